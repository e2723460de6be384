/**
 * Every language edition plays the same lesson as the English one, so `verify --all --auto`
 * on the English lessons proves the translated ones too: for every lesson, every language
 * with a translation of it and both cgroup versions, the lesson as a learner of that
 * language loads it (English merged with lesson.LANG.md) is the English lesson word for
 * word apart from its words — the same steps and ids, commands, setup and cleanup,
 * solutions, demo, checkpoints and their check names, wrong attempts, hint conditions, quiz
 * answers and choice counts, requirements. Then one real run: `contlab verify 00-process
 * --auto --lang ru` on the real kernel passes, in Russian, and leaves nothing behind.
 * (The full `verify --all --auto` per language would take ~6 minutes each in CI.)
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { hostCgroupVersion } from '../../src/lessons/format/modes.js';
import { catalogueLanguages, SOURCE_LANGUAGE } from '../../src/i18n/locale.js';
import type { CgroupVersion, Lesson, Step } from '../../src/lessons/format/model.js';
import { lessonFiles, loadLessonFile } from '../../src/lessons/load.js';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { labCgroupDirs } from '../helpers/daemons.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

/** Where words were: the same for every language, so only the rest is compared. */
const WORDS = '(words)';

/** A step with its words blanked: what verify and the checkpoints act on. */
function stepBehaviour(s: Step): unknown {
  return {
    ...s,
    title: WORDS,
    prose: WORDS,
    notes: s.notes.map(() => WORDS),
    hints: s.hints.map((h) => ({ ...h, text: WORDS })),
    quizzes: s.quizzes.map((q) => ({
      ...q,
      question: WORDS,
      choices: q.choices.map(() => ({ text: WORDS, explain: WORDS })),
    })),
    checkpoint: s.checkpoint?.map((c) => ({ ...c, explain: WORDS })),
  };
}

/** A lesson with its words blanked. */
function behaviour(l: Lesson): unknown {
  return {
    ...l,
    title: WORDS,
    summary: WORDS,
    intro: WORDS,
    language: undefined,
    steps: l.steps.map(stepBehaviour),
  };
}

const editions = lessonFiles().flatMap((file) =>
  catalogueLanguages()
    .filter((lang) => lang !== SOURCE_LANGUAGE)
    .filter((lang) => existsSync(join(dirname(file), `lesson.${lang}.md`)))
    .map((lang) => [basename(dirname(file)), lang, file] as const),
);

describe('every translated lesson plays as the English one', () => {
  test('there are translations to compare (the Russian edition is complete)', () => {
    expect(editions.filter(([, lang]) => lang === 'ru')).toHaveLength(lessonFiles().length);
  });

  test.each(editions)('%s in %s', (_name, lang, file) => {
    for (const mode of ['v1', 'v2'] satisfies CgroupVersion[]) {
      const en = loadLessonFile(file, mode, SOURCE_LANGUAGE);
      const tr = loadLessonFile(file, mode, lang);
      // The translation is the one shown (not an English fallback): the comparison is real.
      expect(tr.language?.shown).toBe(lang);
      expect(tr.steps.some((s, i) => s.prose !== en.steps[i]?.prose)).toBe(true);
      expect(behaviour(tr)).toEqual(behaviour(en));
      // The shape of the words too: one per English one, none dropped.
      tr.steps.forEach((s, i) => {
        const e = en.steps[i];
        expect(s.checkpoint?.map((c) => c.explain !== undefined)).toEqual(
          e?.checkpoint?.map((c) => c.explain !== undefined),
        );
      });
    }
  });
});

describe('the real system: contlab verify 00-process --auto --lang ru', () => {
  ensureBuilt();
  const lab = makeTempLab();
  afterAll(() => lab.remove());

  test('passes every step in Russian, and leaves nothing behind', () => {
    const r = contlab(['verify', '00-process', '--auto', '--lang', 'ru', '--json'], lab.env);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      session?: string;
      steps: { id: string; title: string; ok: boolean; wrong?: { rejected: boolean }[] }[];
    };
    const ru = loadLessonFile(
      join(repoRoot, 'lessons-content', '00-process', 'lesson.md'),
      hostCgroupVersion(),
      'ru',
    );
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => [s.id, s.title, s.ok])).toEqual(
      ru.steps.map((s) => [s.id, s.title, true]),
    );
    expect(report.steps.flatMap((s) => s.wrong ?? []).every((w) => w.rejected)).toBe(true);
    expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
    expect(labCgroupDirs(report.session ?? 'none')).toEqual([]);
  });
});

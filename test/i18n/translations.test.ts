/**
 * Lesson translations (lesson.LANG.md) and message catalogues: the real `contlab lint`
 * names every drift of a deliberately drifted translation with file:line and fails; a part
 * whose English changed since is stale (a warning, an error with --lang); a lesson without
 * a translation is untranslated; `contlab translate` writes a skeleton that maps onto the
 * English and `--stamp` records the hashes. Loading a lesson in Russian gives Russian words
 * over the English commands, checks and answers, and English where there is no translation.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { loadLessonFile } from '../../src/lessons/load.js';
import { parseLesson } from '../../src/lessons/format/parse-lesson.js';
import { lintTranslation } from '../../src/lessons/translation/lint-translation.js';
import { translationSkeleton } from '../../src/lessons/translation/skeleton.js';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
const lab = makeTempLab();
afterAll(() => lab.remove());

const DRIFTED = join(repoRoot, 'test', 'i18n', 'fixtures', 'drifted', '90-sample-namespaces');
const SAMPLE = join(repoRoot, 'lessons-content', '90-sample-namespaces');

/** A copy of the sample lesson and its Russian translation in a folder of its own. */
function copyOf(name: string): string {
  const dir = join(lab.home, '..', name, '90-sample-namespaces');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(SAMPLE, dir, { recursive: true });
  return dir;
}

/** The line of `file` that holds `text` (1-based). */
function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${text} is not in ${file}`);
  return i + 1;
}

describe('contlab lint on a drifted translation', () => {
  const file = join(DRIFTED, 'lesson.ru.md');
  const r = contlab(['lint', DRIFTED], lab.env);
  const at = (text: string): string => `lesson.ru.md:${lineOf(file, text)}:`;

  test('fails, with no stack trace', () => {
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toMatch(/problems in 1 of 1 lesson file/);
  });

  test.each([
    [
      'a check name the English checkpoint lacks',
      'own-utz:',
      /no check "own-utz" in the English checkpoint/,
    ],
    [
      'a command in a hint that is not the English one',
      '`unshare --uts bash`',
      /`unshare --uts bash` in hint 1 is not in the English text/,
    ],
    [
      'a quiz answer that is not the English one',
      'answer: 1',
      /answer: 1, but the English quiz's answer is 2/,
    ],
    [
      'a step the English lesson does not have',
      'id: chroot-step',
      /step "chroot-step" is not in the English lesson/,
    ],
    ['commands copied into the translation', '```sh', /```sh block in a translation/],
  ])('%s: file:line', (_what, text, message) => {
    const line = r.stderr.split('\n').find((l) => message.test(l));
    expect(line).toBeDefined();
    expect(line).toContain(at(text));
  });

  test('a hint more than the English step has: the line of the surplus ```hint block', () => {
    // Hints map onto the English ones by position, so the surplus is the one past the count.
    const line = r.stderr
      .split('\n')
      .find((l) => /has 3 ```hint block\(s\); the English step has 2/.test(l));
    expect(line).toContain(`lesson.ru.md:${lineOf(file, 'Лишняя подсказка') - 1}:`);
  });
});

describe('stale and untranslated', () => {
  test('an English step changed since: a warning naming the new hash; an error with --lang', () => {
    const dir = copyOf('stale');
    const en = join(dir, 'lesson.md');
    writeFileSync(
      en,
      readFileSync(en, 'utf8').replace(
        'Leave the shell of the last step.',
        'Leave the shell of the last step first.',
      ),
    );
    const plain = contlab(['lint', dir], lab.env);
    expect(plain.code).toBe(0);
    const ru = join(dir, 'lesson.ru.md');
    const stale = `lesson.ru.md:${lineOf(ru, 'source: f66c81d3')}:`;
    expect(plain.stderr).toMatch(
      /warning: stale: the English of step "pid-one" changed since it was translated \(source: f66c81d3, now [0-9a-f]{8}\)/,
    );
    expect(plain.stderr).toContain(stale);
    const strict = contlab(['lint', dir, '--lang', 'ru'], lab.env);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/lesson\.ru\.md:\d+:\d+ stale: the English of step "pid-one"/);

    // --stamp records the new hash: fresh again.
    expect(
      contlab(['translate', join(dir, 'lesson.md'), '--lang', 'ru', '--stamp'], lab.env).code,
    ).toBe(0);
    const after = contlab(['lint', dir, '--lang', 'ru'], lab.env);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
  });

  test('a lesson without a translation: untranslated with --lang, silent without', () => {
    const dir = copyOf('untranslated');
    rmSync(join(dir, 'lesson.ru.md'));
    expect(contlab(['lint', dir], lab.env).code).toBe(0);
    const strict = contlab(['lint', dir, '--lang', 'ru'], lab.env);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(
      /lesson\.md:1:1 not translated into "ru" yet: contlab translate .* --lang ru/,
    );
  });
});

describe('contlab translate', () => {
  test('writes a skeleton that maps onto the English, then refuses to overwrite it', () => {
    const dir = copyOf('skeleton');
    for (const lang of ['ru', 'id', 'zh']) rmSync(join(dir, `lesson.${lang}.md`), { force: true });
    const r = contlab(['translate', dir, '--lang', 'zh'], lab.env);
    expect(r.code).toBe(0);
    const skeleton = readFileSync(join(dir, 'lesson.zh.md'), 'utf8');
    // Words only: no commands, checks or setup.
    expect(skeleton).not.toMatch(/```(sh|checkpoint|setup|wrong|cleanup|solution)\b/);
    expect(skeleton).toMatch(/```explain\nown-uts: /);
    // It lints without errors; every step is still English, which --lang says.
    expect(contlab(['lint', dir], lab.env).code).toBe(0);
    const strict = contlab(['lint', dir, '--lang', 'zh'], lab.env);
    expect(strict.stderr).toMatch(/the text is still the English one: translate it/);
    const again = contlab(['translate', dir, '--lang', 'zh'], lab.env);
    // Said in the language translated into, which --lang also chose for the screen.
    expect(again.stdout).toMatch(/lesson\.zh\.md 已存在：保持原样/);
    expect(readFileSync(join(dir, 'lesson.zh.md'), 'utf8')).toBe(skeleton);
  });

  test('every lesson: its skeleton lints clean against it (the format covers every lesson)', () => {
    const files = readFileSync(
      join(repoRoot, 'lessons-content', '00-process', 'lesson.md'),
      'utf8',
    );
    expect(files.length).toBeGreaterThan(0);
    for (const name of [
      '00-process',
      '03-cgroups',
      '09-docker',
      '10-networking',
      '91-sample-cgroups',
    ]) {
      const file = join(repoRoot, 'lessons-content', name, 'lesson.md');
      const lesson = parseLesson(file, readFileSync(file, 'utf8')).lesson;
      if (lesson === undefined) throw new Error(`${name} does not parse`);
      const errors = lintTranslation(
        lesson,
        `${file}.xx`,
        'x',
        translationSkeleton(lesson),
      ).diagnostics.filter((d) => d.severity !== 'warning');
      expect([name, errors]).toEqual([name, []]);
    }
  });
});

describe('a lesson in Russian', () => {
  const file = join(SAMPLE, 'lesson.md');
  const en = loadLessonFile(file, 'v2', 'en');
  const ru = loadLessonFile(file, 'v2', 'ru');

  test('Russian words over the English commands, checks and answers', () => {
    expect(ru.language).toEqual({ wanted: 'ru', shown: 'ru' });
    expect(ru.title).toMatch(/процесс/);
    expect(ru.steps.map((s) => s.id)).toEqual(en.steps.map((s) => s.id));
    for (const [a, b] of ru.steps.map((s, i) => [s, en.steps[i]] as const)) {
      if (b === undefined) throw new Error('a step is missing');
      expect(a.title).not.toBe(b.title);
      expect(a.commands).toEqual(b.commands);
      expect(a.setup).toEqual(b.setup);
      expect(a.wrong).toEqual(b.wrong);
      expect(a.checkpoint?.map((c) => ({ ...c, explain: undefined }))).toEqual(
        b.checkpoint?.map((c) => ({ ...c, explain: undefined })),
      );
      expect(a.quizzes.map((q) => q.answer)).toEqual(b.quizzes.map((q) => q.answer));
      expect(a.hints.map((h) => h.when)).toEqual(b.hints.map((h) => h.when));
    }
    const hostname = ru.steps[0];
    expect(hostname?.checkpoint?.[0]?.explain).toMatch(/запустите оболочку/);
    expect(hostname?.hints[0]?.text).toMatch(/пространстве имён UTS/);
  });

  test('a language with no translation of the lesson: English, saying so', () => {
    const dir = copyOf('no-id');
    rmSync(join(dir, 'lesson.id.md'), { force: true });
    const id = loadLessonFile(join(dir, 'lesson.md'), 'v2', 'id');
    expect(id.language).toEqual({ wanted: 'id', shown: 'en', fallback: 'untranslated' });
    expect(id.title).toBe(en.title);
  });

  test('a translation that cannot be read: English, saying so', () => {
    const dir = copyOf('broken');
    writeFileSync(join(dir, 'lesson.ru.md'), '---\ntitle: [unclosed\n---\n');
    const broken = loadLessonFile(join(dir, 'lesson.md'), 'v2', 'ru');
    expect(broken.language?.fallback).toBe('broken');
    expect(broken.title).toBe(en.title);
  });
});

describe('message catalogues', () => {
  test('a catalogue whose message drifts from the English one fails lint with file:line', () => {
    // The catalogues are read from the checkout: lint a copy of the checkout's locales
    // through a catalogue written beside them, then removed.
    const file = join(repoRoot, 'locales', 'xx.json');
    const en = JSON.parse(readFileSync(join(repoRoot, 'locales', 'en.json'), 'utf8')) as Record<
      string,
      string
    >;
    const drifted = {
      ...en,
      'home.minutes': '{minuten} Min',
      'home.nope': 'extra',
      // ICU quotes from an apostrophe before {: this would print "{name}", not the name.
      'cli.unknownCommand': "commande inconnue '{name}'",
    };
    writeFileSync(file, JSON.stringify(drifted, null, 2) + '\n');
    try {
      const r = contlab(['lint', '--lang', 'xx', join(SAMPLE)], lab.env);
      expect(r.code).toBe(1);
      const line = (id: string): number =>
        readFileSync(file, 'utf8')
          .split('\n')
          .findIndex((l) => l.includes(`"${id}"`)) + 1;
      expect(r.stderr).toContain(`locales/xx.json:${line('home.minutes')}:`);
      expect(r.stderr).toMatch(/"home.minutes" uses \{minuten\}; the English message \{minutes\}/);
      expect(r.stderr).toContain(`locales/xx.json:${line('home.nope')}:`);
      expect(r.stderr).toContain(`locales/xx.json:${line('cli.unknownCommand')}:`);
      expect(r.stderr).toMatch(/"cli.unknownCommand": an apostrophe before \{ quotes the argument/);
      // The summary counts the lesson and the catalogue each where it belongs.
      expect(r.stderr).toMatch(/problems in 1 of 1 lesson file and 1 of 2 catalogues/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

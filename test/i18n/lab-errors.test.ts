/**
 * Lab errors in the learner's language: a LabError made of phrases keeps its English in
 * `message` and `remedy` (logs, other programs) and is said in the chosen language where it
 * is shown, on stderr by the CLI; the file:line of a broken lesson and the commands of a
 * remedy come through unchanged.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { LabError, shownMessage, shownRemedy } from '../../src/engine/errors.js';
import { repoRoot } from '../../src/engine/repo.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { phrase, say } from '../../src/i18n/phrase.js';
import { loadLessonFile } from '../../src/lessons/load.js';
import { unmetPhrases, unmetRequirements } from '../../src/lessons/session/requirements.js';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
const lab = makeTempLab();
afterAll(() => lab.remove());
afterEach(() => setLanguage('en'));

const BROKEN = join(repoRoot, 'test', 'lessons', 'fixtures', 'broken', 'bad-size.md');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was thrown');
}

describe('a LabError made of phrases', () => {
  const err = new LabError(phrase('error.noLesson', { ref: 'nope' }), {
    remedy: phrase('error.noLesson.remedy', { dir: '/srv/lessons' }),
  });

  test('keeps its English message and remedy', () => {
    setLanguage('ru');
    expect(err.message).toBe('no lesson "nope"');
    expect(err.remedy).toBe(
      'give a lesson id, a folder under /srv/lessons, or a path to a lesson.md',
    );
  });

  test('is shown in Russian, with its values', () => {
    setLanguage('ru');
    expect(shownMessage(err)).toBe('нет урока «nope»');
    expect(shownRemedy(err)).toContain('/srv/lessons');
    expect(shownRemedy(err)).not.toMatch(/give a lesson/);
  });

  test('a broken lesson file: said in Chinese, file:line kept', () => {
    setLanguage('zh');
    const e = thrown(() => loadLessonFile(BROKEN));
    expect(e).toBeInstanceOf(LabError);
    expect((e as LabError).message).toMatch(/has problems:\n.*bad-size\.md:\d+:\d+/);
    const shown = shownMessage(e);
    expect(shown).toContain('有问题');
    expect(shown).toMatch(/bad-size\.md:\d+:\d+/);
    expect(shown).not.toContain('has problems');
    expect(shownRemedy(e)).toBe(`运行 contlab lint ${BROKEN}`);
  });

  test('what a host lacks for a lesson: English for reports, Indonesian on screen', () => {
    const req = {
      root: false,
      cgroup: [],
      tools: ['contlab-no-such-tool'],
      namespaces: ['nosuchns'],
      controllers: [],
      filesystems: ['nosuchfs'],
      daemons: [],
    };
    setLanguage('id');
    const english = unmetRequirements(req);
    expect(english).toContain('missing tool "contlab-no-such-tool": run contlab doctor');
    expect(english).toContain('this kernel has no nosuchns namespaces');
    const shown = unmetPhrases(req).map((p) => say(p));
    expect(shown).toContain('program "contlab-no-such-tool" tidak ada: jalankan contlab doctor');
    expect(shown.join('\n')).toContain('ruang nama nosuchns');
    expect(shown.join('\n')).not.toMatch(/missing tool|this kernel/);
  });
});

describe('the CLI prints lab errors in the chosen language', () => {
  test('--lang ru: a lesson that does not exist, and its remedy', () => {
    const r = contlab(['--lang', 'ru', 'verify', 'no-such-lesson'], lab.env);
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toContain('contlab: нет урока «no-such-lesson»');
    expect(r.stderr).toMatch(/укажите id урока, папку в \S+ или путь к lesson\.md/);
    expect(r.stderr).not.toMatch(/no lesson|give a lesson/);
  });

  test('LANG=zh_CN.UTF-8: a broken lesson, with file:line', () => {
    const r = contlab(['verify', BROKEN], { ...lab.env, LANG: 'zh_CN.UTF-8', LC_ALL: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('有问题');
    expect(r.stderr).toMatch(/bad-size\.md:\d+:\d+/);
    expect(r.stderr).toContain(`contlab lint ${BROKEN}`);
    expect(r.stderr).not.toContain('has problems');
  });

  test('English is as it was', () => {
    const r = contlab(['verify', 'no-such-lesson'], { ...lab.env, LANG: 'C', LC_ALL: '' });
    expect(r.stderr).toContain('contlab: no lesson "no-such-lesson"');
    expect(r.stderr).toMatch(/remedy: give a lesson id, a folder under \S+, or a path/);
  });
});

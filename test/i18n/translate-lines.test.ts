/**
 * What `contlab translate` says it did, in the language it is run in: a skeleton written,
 * one left as it was, the English hashes recorded, nothing to stamp. It works on a copy of
 * lesson 00 in a temporary folder (the lessons in the repository are never written).
 * `--lang` is both the language translated into and the one spoken; a language without a
 * catalogue (a new translation) is spoken in English.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { contlab } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
const lab = makeTempLab();
const scratch = mkdtempSync('/tmp/contlab-translate-lines-');
afterAll(() => {
  lab.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const env = { ...lab.env, LANG: 'C', LC_ALL: '', LC_MESSAGES: '' };

/** A copy of lesson 00 (English only) in its own folder; its lesson.md. */
function lessonCopy(name: string): string {
  const dir = join(scratch, name);
  cpSync(join(repoRoot, 'lessons-content', '00-process', 'lesson.md'), join(dir, 'lesson.md'));
  return join(dir, 'lesson.md');
}

describe('contlab translate', () => {
  test('in Russian: started, then left as it is, then stamped', () => {
    const lesson = lessonCopy('ru');
    const target = join(scratch, 'ru', 'lesson.ru.md');
    const started = contlab(['--lang', 'ru', 'translate', lesson], env);
    expect(started.stderr).toBe('');
    expect(started.stdout).toBe(`✓ ${target}: переведите слова, остальное оставьте как есть\n`);
    expect(existsSync(target)).toBe(true);
    const again = contlab(['--lang', 'ru', 'translate', lesson], env);
    expect(again.stdout).toBe(`⚠ ${target} уже есть: оставлен как есть\n`);
    const stamped = contlab(['--lang', 'ru', 'translate', lesson, '--stamp'], env);
    expect(stamped.stdout).toBe(`✓ ${target}: хеши английского текста записаны\n`);
  });

  test('in Chinese and Indonesian', () => {
    const lesson = lessonCopy('zh');
    const zh = contlab(['--lang', 'zh', 'translate', lesson, '--stamp'], env);
    expect(zh.stdout).toBe(`⚠ ${join(scratch, 'zh', 'lesson.zh.md')}：没有译文，无处记录哈希\n`);
    const id = contlab(['--lang', 'id', 'translate', lesson], env);
    expect(id.stdout).toBe(
      `✓ ${join(scratch, 'zh', 'lesson.id.md')}: terjemahkan kata-katanya, biarkan sisanya\n`,
    );
  });

  test('a language without a catalogue yet: English, as it was', () => {
    const lesson = lessonCopy('pt');
    const target = join(scratch, 'pt', 'lesson.pt.md');
    const nothing = contlab(['--lang', 'pt', 'translate', lesson, '--stamp'], env);
    expect(nothing.stdout).toBe(`⚠ ${target}: no translation to stamp\n`);
    const started = contlab(['--lang', 'pt', 'translate', lesson], env);
    expect(started.stdout).toBe(`✓ ${target}: translate the words, keep the rest\n`);
    const again = contlab(['--lang', 'pt', 'translate', lesson], env);
    expect(again.stdout).toBe(`⚠ ${target} exists: left as it is\n`);
    const stamped = contlab(['--lang', 'pt', 'translate', lesson, '--stamp'], env);
    expect(stamped.stdout).toBe(`✓ ${target}: English hashes recorded\n`);
  });
});

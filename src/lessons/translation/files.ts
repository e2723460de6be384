/**
 * Where a lesson's translations are: beside lesson.md, one file per language named
 * lesson.LANG.md (lesson.ru.md, lesson.zh.md). Cheap (no parser): the home screen's
 * catalog uses it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `lesson.ru.md` (or `NAME.ru.md` beside a loose `NAME.md`): the language, or undefined. */
export const TRANSLATION_NAME = /^(.+)\.([a-z]{2,3})\.md$/;

/** Whether `file` is a translation (lesson.ru.md), not a lesson. */
export function isTranslationFile(file: string): boolean {
  return TRANSLATION_NAME.test(basename(file));
}

/** The translation of `lessonFile` into `lang` (which may not exist). */
export function translationFile(lessonFile: string, lang: string): string {
  return lessonFile.replace(/\.md$/, `.${lang}.md`);
}

/** The translations that exist of `lessonFile`: language and file, by language. */
export function translationsOf(lessonFile: string): { lang: string; file: string }[] {
  const stem = basename(lessonFile).replace(/\.md$/, '');
  let names: string[] = [];
  try {
    names = readdirSync(dirname(lessonFile));
  } catch {
    return [];
  }
  return names
    .map((name) => TRANSLATION_NAME.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === stem)
    .map((m) => ({ lang: m[2] ?? '', file: join(dirname(lessonFile), m[0]) }))
    .filter((t) => existsSync(t.file))
    .sort((a, b) => a.lang.localeCompare(b.lang));
}

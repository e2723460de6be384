/** Finding lesson folders and loading them; a lesson with problems is refused with all of them. */
import { existsSync, readFileSync } from 'node:fs';
import { language } from '../i18n/current.js';
import { LabError } from '../engine/errors.js';
import { findLessonFile, LESSON_FILE, lessonFiles, lessonsDir } from './discovery.js';
import { formatDiagnostic } from './format/diagnostic.js';
import type { CgroupVersion, Lesson } from './format/model.js';
import { hostCgroupVersion } from './format/modes.js';
import { parseLesson, type ParseResult } from './format/parse-lesson.js';
import { translationFile } from './translation/files.js';
import { mergeTranslation } from './translation/merge.js';
import { parseTranslation } from './translation/parse-translation.js';
import { phrase } from '../i18n/phrase.js';

export { findLessonFile, LESSON_FILE, lessonFiles, lessonsDir };

/** Parses a lesson to be played: its text resolved for `mode` (default: this host's version). */
export function parseLessonFile(
  file: string,
  mode: CgroupVersion = hostCgroupVersion(),
): ParseResult {
  return parseLesson(file, readFileSync(file, 'utf8'), { mode });
}

/**
 * The lesson in `file`, resolved for `mode`, in language `lang` (default: the one contlab
 * speaks): the English lesson with its translation's words (lesson.LANG.md) when there is
 * one that can be read, else the English one, marked so (`lesson.language`).
 */
export function loadLessonFile(
  file: string,
  mode?: CgroupVersion,
  lang: string = language(),
): Lesson {
  const r = parseLessonFile(file, mode);
  if (r.lesson === undefined) {
    // The problems stay as lint writes them (file:line: message); the words around are said.
    const problems = r.diagnostics.map(formatDiagnostic).join('\n');
    throw new LabError(phrase('error.lessonProblems', { file, problems }), {
      remedy: phrase('error.lessonProblems.remedy', { file }),
    });
  }
  return lang === 'en' ? r.lesson : translated(r.lesson, lang);
}

function translated(lesson: Lesson, lang: string): Lesson {
  const file = translationFile(lesson.file, lang);
  if (!existsSync(file))
    return { ...lesson, language: { wanted: lang, shown: 'en', fallback: 'untranslated' } };
  const t = parseTranslation(file, readFileSync(file, 'utf8'));
  const all = parseLesson(lesson.file, readFileSync(lesson.file, 'utf8')).lesson;
  if (t.translation === undefined || t.diagnostics.length > 0 || all === undefined)
    return { ...lesson, language: { wanted: lang, shown: 'en', fallback: 'broken' } };
  return mergeTranslation(lesson, all, t.translation, lang);
}

export function loadLesson(ref: string): Lesson {
  return loadLessonFile(findLessonFile(ref));
}

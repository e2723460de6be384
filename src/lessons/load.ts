/** Finding lesson folders and loading them; a lesson with problems is refused with all of them. */
import { readFileSync } from 'node:fs';
import { LabError } from '../engine/errors.js';
import { findLessonFile } from './find.js';
import { formatDiagnostic } from './format/diagnostic.js';
import type { Lesson } from './format/model.js';
import { parseLesson, type ParseResult } from './format/parse-lesson.js';

export { findLessonFile, LESSON_FILE, lessonFiles, lessonsDir } from './find.js';

export function parseLessonFile(file: string, concepts?: Set<string>): ParseResult {
  return parseLesson(file, readFileSync(file, 'utf8'), concepts === undefined ? {} : { concepts });
}

export function loadLessonFile(file: string): Lesson {
  const r = parseLessonFile(file);
  if (r.lesson === undefined) {
    throw new LabError(`${file} has problems:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`, {
      remedy: `run contlab lint ${file}`,
    });
  }
  return r.lesson;
}

export function loadLesson(ref: string): Lesson {
  return loadLessonFile(findLessonFile(ref));
}

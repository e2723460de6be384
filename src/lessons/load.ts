/** Finding lesson folders and loading them; a lesson with problems is refused with all of them. */
import { readFileSync } from 'node:fs';
import { LabError } from '../engine/errors.js';
import { findLessonFile, LESSON_FILE, lessonFiles, lessonsDir } from './discovery.js';
import { formatDiagnostic } from './format/diagnostic.js';
import type { CgroupVersion, Lesson } from './format/model.js';
import { hostCgroupVersion } from './format/modes.js';
import { parseLesson, type ParseResult } from './format/parse-lesson.js';

export { findLessonFile, LESSON_FILE, lessonFiles, lessonsDir };

/** Parses a lesson to be played: its text resolved for `mode` (default: this host's version). */
export function parseLessonFile(
  file: string,
  mode: CgroupVersion = hostCgroupVersion(),
): ParseResult {
  return parseLesson(file, readFileSync(file, 'utf8'), { mode });
}

export function loadLessonFile(file: string, mode?: CgroupVersion): Lesson {
  const r = parseLessonFile(file, mode);
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

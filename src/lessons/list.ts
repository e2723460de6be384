/** Every lesson in lessons-content, for the home screen: a broken one is listed, not fatal. */
import type { Diagnostic } from './format/diagnostic.js';
import type { Lesson } from './format/model.js';
import { lessonFiles, lessonsDir, parseLessonFile } from './load.js';

export type LessonEntry =
  | { file: string; lesson: Lesson; problems?: undefined }
  | { file: string; lesson?: undefined; problems: Diagnostic[] };

export function listLessons(dir: string = lessonsDir()): LessonEntry[] {
  return lessonFiles(dir).map((file) => {
    const r = parseLessonFile(file);
    return r.lesson !== undefined ? { file, lesson: r.lesson } : { file, problems: r.diagnostics };
  });
}

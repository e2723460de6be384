/** Finding lesson folders and loading them; a lesson with problems is refused with all of them. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { LabError } from '../engine/errors.js';
import { LESSON_FILE, lessonFiles, lessonsDir } from './discovery.js';
import { formatDiagnostic } from './format/diagnostic.js';
import type { CgroupVersion, Lesson } from './format/model.js';
import { hostCgroupVersion } from './format/modes.js';
import { parseLesson, type ParseResult } from './format/parse-lesson.js';

export { LESSON_FILE, lessonFiles, lessonsDir };

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

/**
 * A lesson by path (folder or lesson.md), by id, or by folder name with or without its
 * number (`90-sample-namespaces`, `sample-namespaces`).
 */
export function findLessonFile(ref: string, dir: string = lessonsDir()): string {
  const asPath = resolve(ref);
  if (existsSync(asPath)) {
    const file = statSync(asPath).isDirectory() ? join(asPath, LESSON_FILE) : asPath;
    if (existsSync(file)) return file;
  }
  for (const file of lessonFiles(dir)) {
    const folder = basename(join(file, '..'));
    if (folder === ref || folder.replace(/^\d+-/, '') === ref) return file;
    const id = /^id:\s*(\S+)\s*$/m.exec(readFileSync(file, 'utf8'))?.[1];
    if (id === ref) return file;
  }
  throw new LabError(`no lesson "${ref}"`, {
    remedy: `give a lesson id, a folder under ${dir}, or a path to a lesson.md`,
  });
}

export function loadLesson(ref: string): Lesson {
  return loadLessonFile(findLessonFile(ref));
}

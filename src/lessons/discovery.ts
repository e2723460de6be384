/**
 * Where lessons are, without reading them: the lessons folder and the lesson.md of each of
 * its lesson folders. Cheap (no parser), so the home screen's catalog can use it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { LabError } from '../engine/errors.js';
import { lessonsContentDir } from '../engine/repo.js';
import { phrase } from '../i18n/phrase.js';

export const LESSON_FILE = 'lesson.md';

/**
 * The folder of lessons: lessons-content in the checkout, or CONTLAB_LESSONS (an instructor
 * working on lessons elsewhere; tests that want only the sample lessons).
 */
export function lessonsDir(): string {
  const fromEnv = process.env.CONTLAB_LESSONS;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : lessonsContentDir;
}

/** lesson.md of every lesson folder under `dir`, in folder order (NN- prefixes sort them). */
export function lessonFiles(dir: string = lessonsDir()): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, LESSON_FILE)))
    .map((e) => join(dir, e.name, LESSON_FILE))
    .sort();
}

/**
 * A lesson by path (folder or lesson.md), by id, or by folder name with or without its
 * number (`90-sample-namespaces`, `sample-namespaces`), found without the parser.
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
  throw new LabError(phrase('error.noLesson', { ref }), {
    remedy: phrase('error.noLesson.remedy', { dir }),
  });
}

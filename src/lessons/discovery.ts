/**
 * Where lessons are, without reading them: the lessons folder and the lesson.md of each of
 * its lesson folders. Cheap (no parser), so the home screen's catalog can use it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lessonsContentDir } from '../engine/repo.js';

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

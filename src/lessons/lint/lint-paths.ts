/**
 * `contlab lint`: every problem in a set of lessons, as `file:line:col message`. Beyond what
 * the parser refuses (schema, YAML, fences, unknown concepts and check types, duplicate step
 * and check names) it checks what needs more than one block or one file: tools the shell
 * blocks use but the requirements forget, concepts listed but taught by no step (or the
 * reverse), lesson folders named for their id, duplicate lesson ids.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { LabError } from '../../engine/errors.js';
import { knownConcepts } from '../concepts.js';
import { byPosition, diagnostic, type Diagnostic } from '../format/diagnostic.js';
import type { Lesson } from '../format/model.js';
import { parseLesson } from '../format/parse-lesson.js';
import { LESSON_FILE } from '../load.js';
import { conceptMismatches } from './concept-rules.js';
import { stepRules } from './step-rules.js';
import { undeclaredTools } from './tool-refs.js';

export interface LintReport {
  files: string[];
  lessons: Lesson[];
  diagnostics: Diagnostic[];
}

/**
 * The lesson files a path stands for: a .md file itself, a lesson folder's lesson.md, or
 * the lesson.md of every folder under a directory of lessons.
 */
export function lessonFilesAt(path: string): string[] {
  const abs = resolve(path);
  if (!existsSync(abs))
    throw new LabError(`${path}: no such file or directory`, {
      remedy: 'give a lesson.md, a lesson folder, or a folder of lessons (like lessons-content)',
    });
  if (!statSync(abs).isDirectory()) return [abs];
  if (existsSync(join(abs, LESSON_FILE))) return [join(abs, LESSON_FILE)];
  const files = readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(abs, e.name, LESSON_FILE)))
    .map((e) => join(abs, e.name, LESSON_FILE))
    .sort();
  // A folder of loose lesson files (like the linter's test fixtures).
  if (files.length === 0)
    files.push(
      ...readdirSync(abs)
        .filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
        .map((f) => join(abs, f))
        .sort(),
    );
  if (files.length === 0)
    throw new LabError(`${path}: no lessons here (no ${LESSON_FILE} in it or its folders)`, {
      remedy: 'give a lesson.md, a lesson folder, or a folder of lessons (like lessons-content)',
    });
  return files;
}

/** Lints files; `display` turns an absolute path into the one shown (relative to cwd). */
export function lintFiles(files: readonly string[], display = shownPath): LintReport {
  const concepts = knownConcepts().ids;
  const report: LintReport = { files: [...files], lessons: [], diagnostics: [] };
  const ids = new Map<string, string>();
  for (const abs of files) {
    const file = display(abs);
    let source: string;
    try {
      source = readFileSync(abs, 'utf8');
    } catch (err) {
      report.diagnostics.push(
        diagnostic(file, { line: 1, col: 1 }, `cannot read: ${(err as Error).message}`),
      );
      continue;
    }
    const parsed = parseLesson(abs, source, { concepts });
    const found = parsed.diagnostics.map((d) => ({ ...d, file }));
    const lesson = parsed.lesson;
    if (lesson !== undefined) {
      // Resolved for each cgroup version, the lesson must still be whole on both.
      for (const mode of ['v1', 'v2'] as const)
        for (const d of parseLesson(abs, source, { concepts, mode }).diagnostics)
          if (!found.some((f) => f.line === d.line && f.message === d.message))
            found.push({ ...d, file });
      found.push(...stepRules(file, lesson));
      found.push(...undeclaredTools(file, lesson));
      found.push(...conceptMismatches(file, source, lesson));
      found.push(...folderRule(file, abs, source, lesson));
      const other = ids.get(lesson.id);
      if (other !== undefined)
        found.push(
          diagnostic(file, idPos(source), `duplicate lesson id "${lesson.id}" (also in ${other})`),
        );
      else ids.set(lesson.id, file);
      if (found.length === 0) report.lessons.push(lesson);
    }
    report.diagnostics.push(...found);
  }
  report.diagnostics.sort(byPosition);
  return report;
}

export function lintPaths(paths: readonly string[]): LintReport {
  return lintFiles([...new Set(paths.flatMap(lessonFilesAt))]);
}

/** lessons-content/NN-slug/lesson.md: the folder's slug is the lesson's id. */
function folderRule(file: string, abs: string, source: string, lesson: Lesson): Diagnostic[] {
  if (basename(abs) !== LESSON_FILE) return [];
  const folder = basename(dirname(abs));
  const m = /^(\d{2})-(.+)$/.exec(folder);
  if (m === null)
    return [
      diagnostic(
        file,
        { line: 1, col: 1 },
        `lesson folder "${folder}" must be named NN-${lesson.id} (two digits give the order)`,
      ),
    ];
  if (m[2] !== lesson.id)
    return [
      diagnostic(
        file,
        idPos(source),
        `id "${lesson.id}" does not match the folder name "${folder}": rename one (NN-${lesson.id})`,
      ),
    ];
  return [];
}

function idPos(source: string): { line: number; col: number } {
  const i = source.split('\n').findIndex((l) => /^id\s*:/.test(l));
  return { line: i < 0 ? 1 : i + 1, col: 1 };
}

function shownPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel.startsWith('..') ? abs : rel;
}

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
import { byPosition, diagnostic, warning, type Diagnostic } from '../format/diagnostic.js';
import type { Lesson } from '../format/model.js';
import { parseLesson } from '../format/parse-lesson.js';
import { LESSON_FILE } from '../load.js';
import { isTranslationFile, translationFile, translationsOf } from '../translation/files.js';
import { lintTranslation } from '../translation/lint-translation.js';
import { conceptMismatches } from './concept-rules.js';
import { stepRules } from './step-rules.js';
import { undeclaredTools } from './tool-refs.js';

export interface LintReport {
  files: string[];
  /** The translations linted beside the lessons. */
  translations: string[];
  lessons: Lesson[];
  diagnostics: Diagnostic[];
}

export interface LintOptions {
  /**
   * Lint the translations into this language only, and hold them to be complete: a lesson
   * without one, a part behind the English, are errors. Undefined: every translation, and
   * being behind is a warning.
   */
  lang?: string;
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
  // A translation stands for its lesson (whose translations are linted with it).
  if (!statSync(abs).isDirectory())
    return [isTranslationFile(abs) ? abs.replace(/\.[a-z]{2,3}\.md$/, '.md') : abs];
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
        .filter((f) => !isTranslationFile(f))
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
export function lintFiles(
  files: readonly string[],
  display = shownPath,
  options: LintOptions = {},
): LintReport {
  const concepts = knownConcepts().ids;
  const report: LintReport = { files: [...files], translations: [], lessons: [], diagnostics: [] };
  const untranslated = new Map<string, string[]>();
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
      found.push(...translationProblems(abs, lesson, display, options, report, untranslated));
    }
    report.diagnostics.push(...found);
  }
  report.diagnostics.push(...untranslatedSummary(untranslated, options));
  report.diagnostics.sort(byPosition);
  return report;
}

/** The translations of the lesson in `abs` (only into `options.lang`, if given), linted. */
function translationProblems(
  abs: string,
  lesson: Lesson,
  display: (abs: string) => string,
  options: LintOptions,
  report: LintReport,
  untranslated: Map<string, string[]>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const all = translationsOf(abs);
  const wanted = options.lang === undefined ? all : all.filter((t) => t.lang === options.lang);
  if (options.lang !== undefined && wanted.length === 0)
    untranslated.set(options.lang, [...(untranslated.get(options.lang) ?? []), abs]);
  for (const { lang, file } of wanted) {
    report.translations.push(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      out.push(
        diagnostic(display(file), { line: 1, col: 1 }, `cannot read: ${(err as Error).message}`),
      );
      continue;
    }
    const r = lintTranslation(lesson, file, display(file), source);
    // Held to be complete: being behind the English is an error too.
    out.push(
      ...(options.lang === lang ? r.diagnostics.map(({ severity: _, ...d }) => d) : r.diagnostics),
    );
  }
  return out;
}

/** Lessons with no translation into the language lint was asked about: one error each. */
function untranslatedSummary(
  untranslated: Map<string, string[]>,
  options: LintOptions,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [lang, files] of untranslated)
    for (const file of files) {
      const message = `not translated into "${lang}" yet: contlab translate ${shownPath(dirname(file))} --lang ${lang} writes ${basename(translationFile(file, lang))} to start from`;
      out.push(
        options.lang === lang
          ? diagnostic(shownPath(file), { line: 1, col: 1 }, message)
          : warning(shownPath(file), { line: 1, col: 1 }, message),
      );
    }
  return out;
}

export function lintPaths(paths: readonly string[], options: LintOptions = {}): LintReport {
  return lintFiles([...new Set(paths.flatMap(lessonFilesAt))], shownPath, options);
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

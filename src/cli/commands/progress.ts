/**
 * `contlab progress [--json] [--export FILE] [--import FILE]`: how far the learner got in
 * each lesson and where they resume; progress moves to another machine as one file.
 */
import { phrase } from '../../i18n/phrase.js';
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import type { Lesson, LessonSummary } from '../../lessons/index.js';
import { t } from '../../i18n/messages.js';
import { marks, printJson, table } from '../output.js';

interface ProgressOptions {
  json?: boolean;
  export?: string;
  import?: string;
}

export function registerProgress(program: Command): void {
  program
    .command('progress')
    .description(t('cmd.progress'))
    .option('--json', t('opt.progress.json'))
    .option('--export <file>', t('opt.progress.export'))
    .option('--import <file>', t('opt.progress.import'))
    .action(async (opts: ProgressOptions) => {
      // Loaded when the command runs: other commands start without the lesson modules.
      const { ProgressStore, summarise } = await import('../../lessons/index.js');
      if (opts.export !== undefined && opts.import !== undefined)
        throw new LabError(
          phrase('error.progress.exportOrImport', { a: '--export', b: '--import' }),
        );
      const store = new ProgressStore();
      if (opts.import !== undefined) {
        store.import(opts.import);
        process.stderr.write(`${marks.ok} ${t('progress.imported', { file: opts.import })}\n`);
      }
      const { progress, recovered } = store.load();
      if (recovered !== undefined) process.stderr.write(`${marks.warn} ${recovered}\n`);
      if (opts.export !== undefined) {
        store.export(opts.export);
        process.stderr.write(`${marks.ok} ${t('progress.exported', { file: opts.export })}\n`);
        return;
      }
      const lessons = await readableLessons(opts.json !== true);
      const summaries = lessons.map((l) => summarise(progress, l));
      const known = new Set(lessons.map((l) => l.id));
      const unknown = Object.keys(progress.lessons).filter((id) => !known.has(id));
      if (opts.json) {
        printJson({ file: store.file, lessons: summaries, unknownLessons: unknown, progress });
        return;
      }
      process.stdout.write(`${t('progress.file', { file: store.file })}\n\n`);
      process.stdout.write(
        table(summaries.map((s) => row(s, progress.lessons[s.id] !== undefined))),
      );
      process.stdout.write('\n');
      for (const id of unknown)
        process.stdout.write(`${marks.warn} ${t('progress.unknown', { id })}\n`);
    });
}

function row(s: LessonSummary, started: boolean): string[] {
  const mark = s.complete ? marks.ok : ' ';
  const steps =
    t('home.stepsDone', { done: String(s.done), total: String(s.total) }) +
    (s.skipped > 0 ? t('progress.skipped', { skipped: String(s.skipped) }) : '');
  const quiz =
    s.quizAnswered > 0
      ? t('progress.quiz', { correct: String(s.quizCorrect), answered: String(s.quizAnswered) })
      : '';
  const next = s.complete
    ? t('progress.done')
    : started
      ? t('progress.continueAt', { n: String(s.resume.number), title: s.resume.title })
      : t('progress.notStarted');
  return [mark, s.id, steps, quiz, next];
}

/**
 * The lessons that parse; a broken one is mentioned, not fatal (progress still shows). For
 * the text, in the language contlab speaks (the step titles); for --json, as written in
 * English (the JSON does not change with the language).
 */
async function readableLessons(translated: boolean): Promise<Lesson[]> {
  const { lessonFiles, loadLessonFile, parseLessonFile } = await import('../../lessons/index.js');
  const out: Lesson[] = [];
  for (const file of lessonFiles()) {
    const parsed = parseLessonFile(file).lesson;
    if (parsed === undefined)
      process.stderr.write(`${marks.warn} ${t('progress.hasProblems', { file })}\n`);
    else out.push(translated ? loadLessonFile(file) : parsed);
  }
  return out;
}

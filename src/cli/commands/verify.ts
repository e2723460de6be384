/**
 * `contlab verify LESSON [--step N] [--auto] [--all] [--json]`.
 * With --auto it plays the lesson in a lab of its own (setup, demo commands typed into a
 * real shell in a pty, checkpoint) and proves every checkpoint fails before its step and
 * passes after. Without it, it checks the state of the learner's running lab.
 */
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { describeResult } from '../../lessons/checks/describe.js';
import type { CheckpointResult } from '../../lessons/checks/types.js';
import type { Lesson, Step } from '../../lessons/format/model.js';
import type { StepReport, VerifyReport } from '../../lessons/runner/verify-auto.js';
import { ensureLabDirs } from '../../engine/paths.js';
import { chalk, marks, printJson } from '../output.js';

interface VerifyOptions {
  step?: string;
  auto?: boolean;
  all?: boolean;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify [lesson]')
    .description('check a lesson against the real system (--auto: play it headlessly)')
    .option('--step <n>', 'only this step (1-based)')
    .option('--auto', "run each step's commands in a real shell and prove every checkpoint")
    .option('--all', 'every lesson in lessons-content (with --auto)')
    .option('--json', 'print the report as JSON')
    .action(async (ref: string | undefined, opts: VerifyOptions) => {
      const lessons = await chooseLessons(ref, opts);
      const step = opts.step === undefined ? undefined : stepNumber(opts.step, lessons);
      ensureLabDirs();
      if (opts.auto) {
        const { cleanup } = await import('../../engine/cleanup.js');
        // Ctrl-C in the middle of a run: this process's lab counts as dead to cleanup() (its
        // owner is us), so everything the run created is removed before we exit.
        for (const signal of ['SIGINT', 'SIGTERM'] as const)
          process.once(signal, () => void cleanup().finally(() => process.exit(130)));
        await auto(lessons, step, opts.json === true);
      } else await current(lessons[0] as Lesson, step, opts.json === true);
    });
}

async function chooseLessons(ref: string | undefined, opts: VerifyOptions): Promise<Lesson[]> {
  // Loaded when the command runs: other commands start without the lesson modules.
  const { lessonFiles, loadLesson, loadLessonFile } = await import('../../lessons/load.js');
  if (opts.all) {
    if (ref !== undefined)
      throw new LabError('give a lesson or --all, not both', {
        remedy: 'contlab verify --all --auto',
      });
    if (!opts.auto)
      throw new LabError('--all needs --auto', { remedy: 'contlab verify --all --auto' });
    if (opts.step !== undefined) throw new LabError('--step works with one lesson, not --all');
    return lessonFiles().map(loadLessonFile);
  }
  if (ref === undefined)
    throw new LabError('which lesson? give its id or folder', {
      remedy: 'contlab verify LESSON [--auto], or contlab verify --all --auto',
    });
  return [loadLesson(ref)];
}

function stepNumber(text: string, lessons: Lesson[]): number {
  const n = Number(text);
  const total = lessons[0]?.steps.length ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > total)
    throw new LabError(`--step ${text}: expected a step number from 1 to ${total}`);
  return n;
}

async function auto(lessons: Lesson[], step: number | undefined, json: boolean): Promise<void> {
  const { verifyAuto } = await import('../../lessons/runner/verify-auto.js');
  const reports: VerifyReport[] = [];
  for (const lesson of lessons) {
    if (!json) process.stdout.write(`${chalk.bold(lesson.id)}: ${lesson.title}\n`);
    const report = await verifyAuto(lesson, {
      ...(step === undefined ? {} : { step }),
      onStep: (r) => {
        if (!json) process.stdout.write(stepText(r));
      },
    });
    reports.push(report);
    if (!json) process.stdout.write(summaryText(report));
  }
  if (json) printJson(reports.length === 1 ? reports[0] : reports);
  process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
}

function stepText(r: StepReport): string {
  const secs = `${(r.ms / 1000).toFixed(1)} s`;
  if (r.ok) {
    const proof =
      r.after === undefined ? 'no checkpoint (quiz step)' : 'fails before, passes after';
    return `  ${marks.ok} step ${r.number} ${r.title}: ${proof} (${secs})\n`;
  }
  let out = `  ${marks.fail} step ${r.number} ${r.title}: ${r.problem ?? 'failed'} (${secs})\n`;
  const shown = r.after ?? r.before;
  if (shown !== undefined) out += resultLines(shown, '      ');
  if (r.transcript !== undefined)
    out += `      the shell's last lines:\n${r.transcript.replace(/^/gm, '      | ')}\n`;
  return out;
}

function summaryText(r: VerifyReport): string {
  let out = '';
  for (const u of r.unmet) out += `  ${marks.fail} cannot run on this host: ${u}\n`;
  if (r.problem !== undefined) out += `  ${marks.fail} ${r.problem}\n`;
  for (const e of r.cleanupErrors) out += `  ${marks.fail} could not remove ${e}\n`;
  const passed = r.steps.filter((s) => s.ok).length;
  const mark = r.ok ? marks.ok : marks.fail;
  return `${mark} ${r.lesson}: ${passed} of ${r.steps.length} step${r.steps.length === 1 ? '' : 's'} verified (${(r.ms / 1000).toFixed(1)} s)\n`.replace(
    /^/,
    out,
  );
}

function resultLines(result: CheckpointResult, indent: string): string {
  return result.results.map((x) => `${indent}${describeResult(x, marks)}\n`).join('');
}

/** Checks the learner's running lab of `lesson` (the open step, or --step). */
async function current(lesson: Lesson, number: number | undefined, json: boolean): Promise<void> {
  const { liveLabs } = await import('../../lessons/session/lab-info.js');
  const { ProgressStore } = await import('../../lessons/progress/store.js');
  const { markCheckpointPassed, resumeStep } = await import('../../lessons/progress/operations.js');
  const { evaluateCheckpoint } = await import('../../lessons/checks/evaluate.js');
  const labs = liveLabs(lesson.id);
  const lab = labs[0];
  if (lab === undefined)
    throw new LabError(`no lab of lesson ${lesson.id} is running`, {
      remedy: `open it with contlab start ${lesson.id}, or run contlab verify ${lesson.id} --auto to verify the lesson in a lab of its own`,
    });
  const store = new ProgressStore();
  const loaded = store.load();
  if (loaded.recovered !== undefined) process.stderr.write(`${marks.warn} ${loaded.recovered}\n`);
  const step: Step =
    number === undefined ? resumeStep(loaded.progress, lesson) : (lesson.steps[number - 1] as Step);
  if (step.checkpoint === undefined)
    throw new LabError(
      `step ${step.number} (${step.title}) has no checkpoint: it ends with a quiz`,
    );
  const result = await evaluateCheckpoint(step.checkpoint, lab.context);
  if (result.ok) store.update((p) => markCheckpointPassed(p, lesson.id, step.id));
  if (json) printJson({ lesson: lesson.id, step: step.number, id: step.id, ...result });
  else {
    process.stdout.write(`${lesson.id} step ${step.number} ${step.title} (lab ${lab.sessionId})\n`);
    process.stdout.write(resultLines(result, '  '));
    process.stdout.write(
      result.ok ? `${marks.ok} the checkpoint passes\n` : `${marks.fail} the checkpoint fails\n`,
    );
  }
  process.exitCode = result.ok ? 0 : 1;
}

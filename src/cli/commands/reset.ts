/**
 * `contlab reset [LESSON [STEP]]`: forgets progress (everything, one lesson, or one step)
 * and resets the lab state that goes with it. Leftovers of labs that are no longer running
 * are removed (what `contlab cleanup` does); in a lab that is running the lesson, the
 * step's cleanup and setup run again so the learner can redo it from a clean state.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { LabError } from '../../engine/errors.js';
import { ensureLabDirs } from '../../engine/paths.js';
import type { LiveLab, Lesson, Step } from '../../lessons/index.js';
import { marks } from '../output.js';
import { t } from '../../i18n/messages.js';
import { sayLine } from '../../engine/said-lines.js';

const SCRIPT_TIMEOUT_MS = 60_000;

export function registerReset(program: Command): void {
  program
    .command('reset [lesson] [step]')
    .description(t('cmd.reset'))
    .action(async (ref: string | undefined, stepRef: string | undefined) => {
      // Loaded when the command runs: other commands start without the lesson modules.
      const { loadLesson } = await import('../../lessons/index.js');
      const lesson = ref === undefined ? undefined : loadLesson(ref);
      const step =
        lesson === undefined || stepRef === undefined ? undefined : findStep(lesson, stepRef);
      ensureLabDirs();
      await resetStore(lesson, step);
      const done =
        lesson === undefined
          ? t('reset.all')
          : step === undefined
            ? t('reset.lesson', { lesson: lesson.id })
            : t('reset.step', { n: String(step.number), title: step.title, lesson: lesson.id });
      process.stdout.write(`${marks.ok} ${done}\n`);
      await resetLabs(lesson, step);
    });
}

function findStep(lesson: Lesson, ref: string): Step {
  const byNumber = /^\d+$/.test(ref) ? lesson.steps[Number(ref) - 1] : undefined;
  const step = byNumber ?? lesson.steps.find((s) => s.id === ref);
  if (step === undefined)
    throw new LabError(t('reset.err.noStep', { lesson: lesson.id, ref }), {
      remedy: t('reset.err.noStep.remedy', {
        total: String(lesson.steps.length),
        ids: lesson.steps.map((s) => s.id).join(', '),
      }),
    });
  return step;
}

async function resetStore(lesson: Lesson | undefined, step: Step | undefined): Promise<void> {
  const { ProgressStore, resetProgress } = await import('../../lessons/index.js');
  const store = new ProgressStore();
  if (lesson === undefined) {
    // Starting over must work even when the file and its backup are both damaged.
    try {
      store.update((p) => resetProgress(p));
    } catch (err) {
      if (!(err instanceof LabError)) throw err;
      store.resetAll();
      process.stderr.write(`${marks.warn} ${err.message}; started a new progress file\n`);
    }
    return;
  }
  const { recovered } = store.update((p) => resetProgress(p, lesson.id, step?.id));
  if (recovered !== undefined) process.stderr.write(`${marks.warn} ${recovered}\n`);
}

async function resetLabs(lesson: Lesson | undefined, step: Step | undefined): Promise<void> {
  const { cleanup } = await import('../../engine/cleanup.js');
  const report = await cleanup();
  for (const r of report.removed)
    process.stdout.write(`${marks.ok} ${t('reset.removed', { what: sayLine(report.said, r) })}\n`);
  for (const e of report.errors)
    process.stderr.write(
      `${marks.fail} ${t('reset.couldNotRemove', { what: sayLine(report.said, e) })}\n`,
    );
  if (report.errors.length > 0) process.exitCode = 1;
  if (lesson === undefined) return;
  const { liveLabs } = await import('../../lessons/index.js');
  for (const lab of liveLabs(lesson.id)) {
    // A step the lab entered has a mark: the lab goes back to the kernel state it had then.
    const undone = step === undefined ? false : await undoStep(lab, step);
    const steps = step === undefined ? [...lesson.steps].reverse() : undone ? [] : [step];
    for (const s of steps) await runBlocks(lab, s, 'cleanup');
    if (step !== undefined) await runBlocks(lab, step, 'setup');
    process.stdout.write(`${marks.ok} ${t('reset.lab', { session: lab.sessionId })}\n`);
  }
}

/**
 * Takes a running lab back to the kernel state it had when `step` began (its mark, kept in
 * the lab's session directory): what was made since is removed, what was changed set back.
 * False when the lab never entered the step (no mark).
 */
async function undoStep(lab: LiveLab, step: Step): Promise<boolean> {
  const { sessionsDir } = await import('../../engine/paths.js');
  const { readMark, undoToMark, readTimeline, timelineFile } =
    await import('../../engine/timeline/index.js');
  const dir = join(sessionsDir(), lab.sessionId);
  const mark = readMark(dir, step.id);
  if (mark === undefined) return false;
  // What the lab's timeline says it made since (named network objects are removed only then).
  const entries = (readTimeline(timelineFile(dir)) ?? []).filter((e) => e.endedAt >= mark.at);
  const report = await undoToMark(mark.state, mark.scope, { entries });
  for (const u of report.undone)
    process.stdout.write(`${marks.ok} ${t('reset.undone', { what: sayLine(report.said, u) })}\n`);
  for (const e of report.errors)
    process.stderr.write(
      `${marks.fail} ${t('reset.couldNotUndo', { what: sayLine(report.said, e) })}\n`,
    );
  if (report.errors.length > 0) process.exitCode = 1;
  return true;
}

async function runBlocks(lab: LiveLab, step: Step, what: 'setup' | 'cleanup'): Promise<void> {
  const { runInLiveLab } = await import('../../lessons/index.js');
  for (const block of step[what]) {
    const r = await runInLiveLab(lab, block.text, SCRIPT_TIMEOUT_MS);
    if (r.code !== 0) {
      process.stderr.write(
        `${marks.fail} step ${step.number} ${what} (line ${block.pos.line}) failed with exit ${r.code}: ${r.output.trim()}\n`,
      );
      process.exitCode = 1;
    }
  }
}

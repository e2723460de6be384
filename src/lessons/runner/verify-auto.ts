/**
 * `contlab verify LESSON --auto`: plays a lesson headlessly in a real lab. For every step it
 * runs the setup, proves the checkpoint FAILS (so it cannot pass vacuously), types the demo
 * commands into a real bash in a pty, and requires the checkpoint to pass. Everything the
 * run created is removed at the end, whatever happened.
 */
import { release } from 'node:os';
import { cgroupMode, type CgroupMode } from '../../engine/cgroupfs.js';
import { messageOf } from '../../engine/errors.js';
import { scaled } from '../../engine/time-scale.js';
import { captureBaseline, evaluateCheckpoint } from '../checks/evaluate.js';
import type { CheckpointResult } from '../checks/types.js';
import type { Lesson, Step } from '../format/model.js';
import { openLessonLab, type LessonLab } from '../session/lesson-lab.js';
import { unmetRequirements } from '../session/requirements.js';
import { runLabScript } from '../session/spawn.js';
import { LabShell } from './pty-shell.js';

export interface StepReport {
  number: number;
  id: string;
  title: string;
  ok: boolean;
  /** The checkpoint before the step's commands ran (it must fail). */
  before?: CheckpointResult;
  after?: CheckpointResult;
  problem?: string;
  /** The end of the shell's output when the step failed. */
  transcript?: string;
  ms: number;
}

export interface VerifyReport {
  lesson: string;
  ok: boolean;
  unmet: string[];
  steps: StepReport[];
  /** What closing the lab removed, and anything it could not remove. */
  cleanupErrors: string[];
  /** The lab session the run used (all of it is removed at the end). */
  session?: string;
  /** Set when the lab itself could not be opened (a daemon that would not start...). */
  problem?: string;
  /** Where it was verified: the cgroup mode (v1, hybrid, v2) and the kernel release. */
  host: { cgroup: CgroupMode; kernel: string };
  ms: number;
}

export interface AutoOptions {
  /** Verify only this step (1-based); the steps before it are played to reach its state. */
  step?: number;
  onStep?: (report: StepReport) => void;
}

const SCRIPT_TIMEOUT_MS = 60_000;
const SETTLE_MS = 5_000;

export async function verifyAuto(lesson: Lesson, options: AutoOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const unmet = unmetRequirements(lesson.requirements);
  const report: VerifyReport = {
    lesson: lesson.id,
    ok: false,
    unmet,
    steps: [],
    cleanupErrors: [],
    host: { cgroup: cgroupMode(), kernel: release() },
    ms: 0,
  };
  if (unmet.length > 0) return { ...report, ms: Date.now() - started };
  let lab: LessonLab;
  try {
    lab = await openLessonLab(lesson);
  } catch (err) {
    return {
      ...report,
      problem: `could not open the lab: ${messageOf(err)}`,
      ms: Date.now() - started,
    };
  }
  report.session = lab.session.id;
  let shell: LabShell | undefined;
  try {
    shell = await LabShell.start(lab);
    const last = options.step ?? lesson.steps.length;
    for (const step of lesson.steps.slice(0, last)) {
      const verify = options.step === undefined || step.number === options.step;
      const r = await playStep(lab, shell, step, verify);
      // A step played only to reach --step still has to work: if it breaks, say so.
      if (!verify && r.ok) continue;
      if (!verify) r.problem = `while playing it to reach step ${last}: ${r.problem ?? 'failed'}`;
      report.steps.push(r);
      options.onStep?.(r);
      if (!r.ok) break;
    }
  } finally {
    shell?.close();
    report.cleanupErrors = (await lab.close()).errors;
  }
  report.ok =
    report.steps.length > 0 && report.steps.every((s) => s.ok) && report.cleanupErrors.length === 0;
  report.ms = Date.now() - started;
  return report;
}

async function playStep(
  lab: LessonLab,
  shell: LabShell,
  step: Step,
  verify: boolean,
): Promise<StepReport> {
  const started = Date.now();
  const r: StepReport = { number: step.number, id: step.id, title: step.title, ok: false, ms: 0 };
  const done = (problem?: string, transcript?: string): StepReport => ({
    ...r,
    ok: problem === undefined,
    ...(problem === undefined ? {} : { problem }),
    ...(transcript === undefined ? {} : { transcript }),
    ms: Date.now() - started,
  });
  try {
    for (const block of step.setup) {
      const s = await runLabScript(lab, block.text, scaled(SCRIPT_TIMEOUT_MS));
      if (s.code !== 0)
        return done(
          `setup (line ${block.pos.line}) failed with exit ${s.code}: ${s.output.trim()}`,
        );
    }
    const checks = step.checkpoint;
    if (checks !== undefined) {
      await captureBaseline(checks, lab.context);
      if (verify) {
        r.before = await evaluateCheckpoint(checks, lab.context);
        if (r.before.ok)
          return done("the checkpoint passes before the step's commands ran: it proves nothing");
      }
    }
    for (const block of step.demo) {
      for (const line of demoLines(block.text)) {
        if (!(await shell.type(line, scaled(step.commandTimeout * 1000))))
          return done(
            `\`${line}\` did not finish within ${step.commandTimeout} s${shell.alive ? '' : ' (the shell exited)'}`,
            shell.tail(),
          );
      }
    }
    if (checks !== undefined) {
      r.after = await settle(() => evaluateCheckpoint(checks, lab.context));
      if (!r.after.ok) return done("the checkpoint fails after the step's commands", shell.tail());
    }
    for (const block of step.cleanup) {
      const s = await runLabScript(lab, block.text, scaled(SCRIPT_TIMEOUT_MS));
      if (s.code !== 0)
        return done(
          `cleanup (line ${block.pos.line}) failed with exit ${s.code}: ${s.output.trim()}`,
        );
    }
    return done();
  } catch (err) {
    return done(messageOf(err));
  }
}

/** Evaluates until the checkpoint passes or a few seconds passed (processes take a moment). */
async function settle(evaluate: () => Promise<CheckpointResult>): Promise<CheckpointResult> {
  const deadline = Date.now() + scaled(SETTLE_MS);
  for (;;) {
    const result = await evaluate();
    if (result.ok || Date.now() > deadline) return result;
    await new Promise((res) => setTimeout(res, 250));
  }
}

/** The lines the demo types: blank lines are skipped, comments are typed like any line. */
export function demoLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

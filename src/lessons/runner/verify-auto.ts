/**
 * `contlab verify LESSON --auto`: plays a lesson headlessly in a real lab. For every step it
 * runs the setup and gives the checkpoint three proofs:
 * 1. it FAILS before the step's commands (so it cannot pass vacuously);
 * 2. it REJECTS every wrong attempt the step lists (```wrong: a plausible mistake, typed
 *    into a fresh shell; afterwards its processes are ended, and its undo and the step's
 *    setup run);
 * 3. it PASSES once the demo commands were typed into a real bash in a pty.
 * Everything the run created is removed at the end, whatever happened.
 */
import { release } from 'node:os';
import { cgroupMode, type CgroupMode } from '../../engine/cgroupfs.js';
import { messageOf } from '../../engine/errors.js';
import { scaled } from '../../engine/time-scale.js';
import { captureBaseline, evaluateCheckpoint } from '../checks/evaluate.js';
import type { Check, CheckpointResult } from '../checks/types.js';
import type { Lesson, Step, WrongAttempt } from '../format/model.js';
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
  /** Each wrong attempt and what the checkpoint said of it (it must fail). */
  wrong?: WrongReport[];
  after?: CheckpointResult;
  problem?: string;
  /** The end of the shell's output when the step failed. */
  transcript?: string;
  ms: number;
}

export interface WrongReport {
  title: string;
  line: number;
  /** The checkpoint failed on it, as it must. */
  rejected: boolean;
  result?: CheckpointResult;
  problem?: string;
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
        r.wrong = [];
        for (const attempt of step.wrong) {
          const w = await tryWrong(lab, step, attempt, checks);
          r.wrong.push(w);
          if (!w.rejected)
            return done(
              w.problem ??
                `the checkpoint accepts the wrong attempt "${attempt.title}" (line ${attempt.pos.line}): it cannot tell that mistake from the step`,
            );
        }
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

/** Evaluations of a wrong attempt, this far apart: a slow mistake must not pass late. */
const WRONG_LOOKS = 2;
const WRONG_GAP_MS = 400;

/**
 * Types a wrong attempt into a fresh shell of the lab and requires the checkpoint to fail on
 * it, then puts the step back as it was after its setup.
 */
async function tryWrong(
  lab: LessonLab,
  step: Step,
  attempt: WrongAttempt,
  checks: readonly Check[],
): Promise<WrongReport> {
  const report: WrongReport = { title: attempt.title, line: attempt.pos.line, rejected: false };
  const before = await labProcesses(lab);
  const shell = await LabShell.start(lab);
  try {
    for (const line of demoLines(attempt.run)) {
      if (!(await shell.type(line, scaled(step.commandTimeout * 1000)))) {
        report.problem = `wrong attempt "${attempt.title}" (line ${attempt.pos.line}): \`${line}\` did not finish within ${step.commandTimeout} s`;
        return report;
      }
    }
    for (let i = 0; i < WRONG_LOOKS; i++) {
      if (i > 0) await new Promise((res) => setTimeout(res, scaled(WRONG_GAP_MS)));
      report.result = await evaluateCheckpoint(checks, lab.context);
      if (report.result.ok) return report;
    }
    report.rejected = true;
    return report;
  } finally {
    shell.close();
    const problem = await undoAttempt(lab, step, attempt, before);
    if (problem !== undefined) {
      report.rejected = false;
      report.problem = problem;
    }
    await captureBaseline(checks, lab.context);
  }
}

/** pid:start of every process in the lab now. */
async function labProcesses(lab: LessonLab): Promise<Set<string>> {
  const ps = await lab.context.system().processesIn(lab.context.labScope);
  return new Set(ps.map((p) => `${p.pid}:${p.start}`));
}

/**
 * Ends what the attempt started (but the daemons' shims), then runs its undo and the step's
 * setup again. Not the step's cleanup: that is for leaving the step, and may remove what
 * earlier steps made.
 */
async function undoAttempt(
  lab: LessonLab,
  step: Step,
  attempt: WrongAttempt,
  before: Set<string>,
): Promise<string | undefined> {
  const ps = await lab.context.system().processesIn(lab.context.labScope);
  for (const p of ps) {
    if (before.has(`${p.pid}:${p.start}`)) continue;
    // A containerd shim removes its socket (/run/containerd/s/...) only when it exits on its
    // own: the attempt's undo deletes its task, and the shim goes. Killed, it leaves the socket.
    if (p.comm.startsWith('containerd-shim')) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const scripts = [
    ...(attempt.undo === undefined
      ? []
      : [{ what: 'undo', text: attempt.undo, line: attempt.pos.line }]),
    ...step.setup.map((b) => ({ what: 'setup', text: b.text, line: b.pos.line })),
  ];
  for (const s of scripts) {
    const r = await runLabScript(lab, s.text, scaled(SCRIPT_TIMEOUT_MS));
    if (r.code !== 0)
      return `after the wrong attempt "${attempt.title}", the ${s.what} (line ${s.line}) failed with exit ${r.code}: ${r.output.trim()}`;
  }
  return undefined;
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

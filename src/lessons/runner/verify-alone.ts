/**
 * `contlab verify LESSON --alone`: every step must be safe to open on its own (a learner
 * jumps ahead, or their shell restarted): in a fresh lab and a fresh shell, the step's setup
 * runs (it may refuse, with a message: that is a guard), then its commands are typed as a
 * learner would type them. Whatever they do, the host's mount table, cgroup tree and network
 * interfaces must be unchanged outside the lab's own, and once the lab is closed, unchanged
 * altogether.
 */
import { scaled } from '../../engine/time-scale.js';
import { messageOf } from '../../engine/errors.js';
import { labHome, runDir } from '../../engine/paths.js';
import type { Lesson, Step } from '../format/model.js';
import { openLessonLab } from '../session/lesson-lab.js';
import { unmetRequirements } from '../session/requirements.js';
import { runLabScript } from '../session/spawn.js';
import { hostChanges, hostSnapshot, type SnapshotScope } from './host-snapshot.js';
import { LabShell } from './pty-shell.js';
import { demoLines } from './verify-auto.js';

export interface AloneStepReport {
  number: number;
  id: string;
  title: string;
  ok: boolean;
  /** The setup refused to open the step on its own, with this message (a guard). */
  refused?: string;
  /** What the step changed on the host outside the lab, while the lab was open. */
  changes: string[];
  /** What was still different on the host after the lab was closed. */
  leftovers: string[];
  /** A command that did not come back (the step goes on typing nothing after it). */
  stuck?: string;
  problem?: string;
  ms: number;
}

export interface AloneReport {
  lesson: string;
  ok: boolean;
  unmet: string[];
  steps: AloneStepReport[];
  ms: number;
}

export interface AloneOptions {
  step?: number;
  onStep?: (report: AloneStepReport) => void;
}

const SCRIPT_TIMEOUT_MS = 60_000;

export async function verifyAlone(
  lesson: Lesson,
  options: AloneOptions = {},
): Promise<AloneReport> {
  const started = Date.now();
  const unmet = unmetRequirements(lesson.requirements);
  const report: AloneReport = { lesson: lesson.id, ok: false, unmet, steps: [], ms: 0 };
  if (unmet.length > 0) return { ...report, ms: Date.now() - started };
  const steps =
    options.step === undefined
      ? lesson.steps
      : lesson.steps.filter((s) => s.number === options.step);
  for (const step of steps) {
    const r = await openAlone(lesson, step);
    report.steps.push(r);
    options.onStep?.(r);
  }
  report.ok = report.steps.length > 0 && report.steps.every((s) => s.ok);
  report.ms = Date.now() - started;
  return report;
}

async function openAlone(lesson: Lesson, step: Step): Promise<AloneStepReport> {
  const started = Date.now();
  const r: AloneStepReport = {
    number: step.number,
    id: step.id,
    title: step.title,
    ok: false,
    changes: [],
    leftovers: [],
    ms: 0,
  };
  const labDirs = [labHome(), runDir()];
  const closed: SnapshotScope = { labDirs, labCgroup: undefined, labLinksAreOwn: false };
  let lab;
  try {
    lab = await openLessonLab(lesson);
  } catch (err) {
    return { ...r, problem: `could not open the lab: ${messageOf(err)}`, ms: Date.now() - started };
  }
  const open: SnapshotScope = {
    labDirs,
    labCgroup: lab.env.LAB_CGROUP,
    labLinksAreOwn: true,
  };
  const before = hostSnapshot(open);
  const beforeClosed = hostSnapshot(closed);
  let shell: LabShell | undefined;
  try {
    shell = await LabShell.start(lab);
    for (const block of step.setup) {
      const s = await runLabScript(lab, block.text, scaled(SCRIPT_TIMEOUT_MS));
      if (s.code !== 0) {
        r.refused = s.output.trim() || `exit ${s.code}`;
        break;
      }
    }
    typing: for (const block of step.demo)
      for (const line of demoLines(block.text)) {
        if (!(await shell.type(line, scaled(step.commandTimeout * 1000)))) {
          r.stuck = line;
          break typing;
        }
      }
    r.changes = hostChanges(before, hostSnapshot(open));
  } catch (err) {
    r.problem = messageOf(err);
  } finally {
    shell?.close();
    const report = await lab.close();
    if (report.errors.length > 0) r.problem ??= `closing the lab: ${report.errors.join('; ')}`;
  }
  r.leftovers = hostChanges(beforeClosed, hostSnapshot(closed)).filter((c) => !isLabParent(c));
  r.ok = r.problem === undefined && r.changes.length === 0 && r.leftovers.length === 0;
  r.ms = Date.now() - started;
  return r;
}

/** The shared parent of every lab's cgroups, which the lab itself makes and removes. */
function isLabParent(change: string): boolean {
  return /^[+-] cgroups: \S+\/contlab( \[.*\])?$/.test(change);
}

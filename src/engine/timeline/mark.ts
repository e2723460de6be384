/**
 * A lesson step's mark: when the step began, the journal's sequence number and a look at
 * the lab (a LabState), kept in the session directory (marks/STEP.json) so an undo, from
 * the player or from `contlab reset` in another terminal, can take the lab back to it.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from './types.js';
import type { UndoScope } from './undo.js';

export interface LabMark {
  /** The journal's mark: what the journal recorded after it was made since. */
  seq: number;
  at: number;
  lesson: string;
  step: { number: number; id: string };
  /** The lab's cgroup, owner and directories: what an undo from another process needs. */
  scope: UndoScope;
  state: LabState;
}

export const marksDir = (sessionDir: string): string => join(sessionDir, 'marks');

function markFile(sessionDir: string, stepId: string): string {
  return join(marksDir(sessionDir), `${stepId.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
}

/** Writes the mark of a step (a whole new file renamed over the old: never half written). */
export function writeMark(sessionDir: string, mark: LabMark): void {
  mkdirSync(marksDir(sessionDir), { recursive: true });
  const file = markFile(sessionDir, mark.step.id);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(mark));
  renameSync(tmp, file);
}

function isMark(v: unknown): v is LabMark {
  const m = v as Partial<LabMark> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.seq === 'number' &&
    typeof m.lesson === 'string' &&
    typeof m.step?.id === 'string' &&
    typeof m.scope?.cgroupPath === 'string' &&
    typeof m.scope.ownerPid === 'number' &&
    Array.isArray(m.scope.dirs) &&
    typeof m.state === 'object' &&
    m.state !== null &&
    Array.isArray(m.state.processes) &&
    Array.isArray(m.state.cgroups) &&
    Array.isArray(m.state.mountNamespaces) &&
    Array.isArray(m.state.netns)
  );
}

/** The mark of step `stepId` in a session directory, if the step was entered there. */
export function readMark(sessionDir: string, stepId: string): LabMark | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(markFile(sessionDir, stepId), 'utf8'));
    return isMark(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the tests need to know about a lab's supervisor: which process it is (from the
 * session journal, as cleanup reads it), the session it runs in, and waiting for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJournal } from '../../src/engine/journal.js';
import { isAlive, type ProcessIdentity } from '../../src/engine/procfs.js';

/** The supervisor recorded in the journal of `sessionId` under the lab home `home`. */
export function supervisorOf(home: string, sessionId: string): ProcessIdentity | undefined {
  const path = join(home, 'journal', `${sessionId}.jsonl`);
  if (!existsSync(path)) return undefined;
  for (const { resource } of parseJournal(readFileSync(path, 'utf8'), path).live)
    if (resource.kind === 'supervisor') return { pid: resource.pid, start: resource.start };
  return undefined;
}

/** The session id (field 6 of /proc/PID/stat) of a process. */
export function sessionIdOfProcess(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 20 ms; resolves with the milliseconds it took, or -1 at the deadline. */
export async function msUntil(cond: () => boolean, deadlineMs = 30_000): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > deadlineMs) return -1;
    await sleep(20);
  }
  return Date.now() - start;
}

/** SIGKILLs a supervisor (the "both were killed" case) and waits until it is gone. */
export async function killSupervisor(id: ProcessIdentity): Promise<void> {
  process.kill(id.pid, 'SIGKILL');
  await msUntil(() => !isAlive(id), 10_000);
}

/**
 * Small, exact readers of /proc used by the journal and cleanup. A PID alone does not
 * name a process (PIDs are reused), so the lab always pairs it with the process's start
 * time in clock ticks since boot (field 22 of /proc/PID/stat).
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  start: number;
}

/** Start time of PID in clock ticks since boot, or undefined when it is gone. */
export function startTimeOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so field 22 is rest[19].
    const start = Number(rest[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  const start = startTimeOf(pid);
  return start === undefined ? undefined : { pid, start };
}

/** True when the very process (same PID and start time) still exists and is not a zombie. */
export function isAlive(id: ProcessIdentity): boolean {
  if (startTimeOf(id.pid) !== id.start) return false;
  try {
    const stat = readFileSync(`/proc/${id.pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** NUL-separated command line of PID as a list, empty for kernel threads or gone processes. */
export function cmdlineOf(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s, i, all) => s !== '' || i < all.length - 1);
  } catch {
    return [];
  }
}

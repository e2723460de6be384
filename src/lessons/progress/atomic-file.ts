/**
 * Crash-safe file replacement. The new content goes to a temporary file that is fsync'ed,
 * the current file is hard-linked to `.bak` (it is never modified in place, so the link is
 * the previous version), then the temporary file is renamed over the current one and the
 * directory is fsync'ed. A kill at any instant leaves the file either whole-old or whole-new.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { startTimeOf } from '../../engine/procfs.js';

export function backupOf(file: string): string {
  return `${file}.bak`;
}

export function writeFileAtomic(file: string, text: string, options: { backup: boolean }): void {
  const dir = dirname(file);
  removeStaleTemps(file);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (options.backup && existsSync(file)) keepBackup(file);
  renameSync(tmp, file);
  fsyncDir(dir);
}

/** `.bak` becomes the current version, atomically (a link, renamed over the old backup). */
function keepBackup(file: string): void {
  const tmp = `${backupOf(file)}.tmp-${process.pid}`;
  try {
    unlinkSync(tmp);
  } catch {
    // not there: the usual case
  }
  try {
    linkSync(file, tmp);
  } catch {
    // a filesystem without hard links: a copy, flushed before it replaces the old backup
    copyFileSync(file, tmp);
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
  }
  renameSync(tmp, backupOf(file));
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Temporary files of writers that were killed (their PID is gone) are removed. */
function removeStaleTemps(file: string): void {
  const dir = dirname(file);
  const prefixes = [`${basename(file)}.tmp-`, `${basename(backupOf(file))}.tmp-`];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || !Number.isInteger(pid)) continue;
    if (isRunning(pid) && !startedAfter(pid, join(dir, name))) continue;
    try {
      unlinkSync(join(dir, name));
    } catch {
      // another writer removed it first
    }
  }
}

/** /proc's clock ticks (USER_HZ: 100 on Linux, whatever the kernel's own HZ). */
const TICK_MS = 10;

/**
 * Whether the process at `pid` started after `temp` was last written: then it is not the
 * writer, whose PID it reuses (PIDs wrap at 32768 on many machines, and a killed writer's
 * number comes back soon on a busy one). A few ticks of slack: a writer is never taken
 * for another process.
 */
function startedAfter(pid: number, temp: string): boolean {
  const ticks = startTimeOf(pid);
  if (ticks === undefined) return false;
  try {
    const uptimeMs = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
    const bootMs = Date.now() - uptimeMs;
    return bootMs + ticks * TICK_MS > statSync(temp).mtimeMs + 5 * TICK_MS;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ends a shell and everything it started. The shell leads its own session; its jobs sit in
 * their own process groups and a program like `unshare --fork` leaves children that no
 * hang-up reaches, so the whole subtree is found first (through the observer), hung up,
 * and whatever is still there after a grace period is killed. Each PID is checked against
 * its start time before SIGKILL, so a reused PID is never hit.
 */
import { descendants, readProcess, scanProcesses } from '../../../engine/observer/index.js';

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function stillSame(pid: number, start: number): Promise<boolean> {
  const p = await readProcess(pid, { light: true });
  return p !== undefined && p.start === start && p.state !== 'Z';
}

export async function killTree(rootPid: number, graceMs = 400): Promise<void> {
  const all = await scanProcesses({ light: true });
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const targets = [rootPid, ...descendants(all, rootPid)]
    .map((pid) => byPid.get(pid))
    .filter((p) => p !== undefined);
  for (const p of targets) signal(p.pid, 'SIGHUP');
  const deadline = Date.now() + graceMs;
  let alive = targets;
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const checks = await Promise.all(alive.map((p) => stillSame(p.pid, p.start)));
    alive = alive.filter((_, i) => checks[i]);
  }
  for (const p of alive) signal(p.pid, 'SIGKILL');
}

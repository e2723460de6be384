/**
 * Shared helpers for the observer tests: a private lab home, processes in fresh namespaces
 * made with unshare(1), and killing exactly what a test started, by PID.
 */
import { afterAll } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Points CONTLAB_HOME / CONTLAB_RUN at a fresh temp dir so tests never use a real lab home. */
export function privateLabHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contlab-observer-test-'));
  process.env.CONTLAB_HOME = join(dir, 'home');
  process.env.CONTLAB_RUN = join(dir, 'run');
  // Sessions remove what they made; the temp home goes when the test file is done.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(20);
  }
}

/** PIDs of the direct children of `pid` (from /proc/PID/task/PID/children). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** `readlink /proc/PID/ns/*`, the reference the observer is checked against. */
export function readNsLinks(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts']) {
    const link = execFileSync('readlink', [`/proc/${pid}/ns/${n}`], { encoding: 'utf8' });
    out[n] = Number(/\[(\d+)\]/.exec(link)?.[1]);
  }
  return out;
}

export interface Unshared {
  /** The unshare(1) process. */
  unshare: ChildProcess;
  /** Host PID of the shell inside the new namespaces. */
  pid: number;
  /** What `echo $$` printed inside. */
  innerPid: number;
  kill(): Promise<void>;
}

/**
 * Runs `unshare --fork <flags> sh -c 'echo $$; exec sleep 60'` and waits until the shell
 * has printed its in-namespace PID.
 */
export async function startUnshared(flags: string[]): Promise<Unshared> {
  const unshare = spawn('unshare', ['--fork', ...flags, 'sh', '-c', 'echo $$; exec sleep 60'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  unshare.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const innerPid = await waitFor(() => (out.includes('\n') ? Number(out.trim()) : undefined));
  const pid = await waitFor(() => childrenOf(unshare.pid ?? -1)[0]);
  // Wait for the exec: until then the child is still unshare's fork, not our sleep.
  await waitFor(() => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep' ? true : undefined;
    } catch {
      return undefined;
    }
  });
  return {
    unshare,
    pid,
    innerPid,
    kill: () => killAndWait(unshare, [pid]),
  };
}

/** Kills the given PIDs (and the child) with SIGKILL and waits for the child to be reaped. */
export async function killAndWait(child: ChildProcess, pids: number[] = []): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.pid !== undefined) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await exited;
}

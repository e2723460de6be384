/**
 * Bad input never crashes the observer: a process that exits in the middle of a read, a
 * permission error, a cgroup file this kernel does not have.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import {
  cgroupStatsOfPid,
  liveSource,
  readProcess,
  scanProcesses,
  inspectProcess,
  type KernelSource,
} from '../../src/engine/observer/index.js';
import { LabError } from '../../src/engine/errors.js';
import { killAndWait, privateLabHome, waitFor } from './helpers.js';

privateLabHome();

/** A live source that runs `hook` once, after the first read of a path matching `when`. */
function sourceWithHook(when: RegExp, hook: () => Promise<void>): KernelSource {
  let fired = false;
  const after = async <T>(path: string, v: T): Promise<T> => {
    if (!fired && when.test(path)) {
      fired = true;
      await hook();
    }
    return v;
  };
  return {
    readText: async (p) => after(p, await liveSource.readText(p)),
    readLink: async (p) => after(p, await liveSource.readLink(p)),
    listDir: async (p) => after(p, await liveSource.listDir(p)),
    fileId: async (p) => after(p, await liveSource.fileId(p)),
  };
}

/** A source that answers like a reader refused everything under /proc/PID/ns and root. */
function deniedSource(): KernelSource {
  const denied = (p: string): boolean => /\/ns\/|\/root\/?$/.test(p);
  return {
    ...liveSource,
    readLink: (p) => (denied(p) ? Promise.resolve(undefined) : liveSource.readLink(p)),
    fileId: (p) => (denied(p) ? Promise.resolve(undefined) : liveSource.fileId(p)),
  };
}

describe('robustness', () => {
  test('a PID that exits mid-read is reported gone, not as half a process', async () => {
    const child = spawn('sleep', ['60']);
    const pid = child.pid ?? -1;
    await waitFor(async () => ((await readProcess(pid)) ? true : undefined));
    // Kill it right after its stat was read, before status, ns and cgroup.
    const source = sourceWithHook(new RegExp(`^/proc/${pid}/stat$`), () => killAndWait(child));
    expect(await readProcess(pid, { source })).toBeUndefined();
    expect(await readProcess(pid)).toBeUndefined();
    expect(await cgroupStatsOfPid(pid)).toBeUndefined();
  });

  test('processes exiting during a full scan are left out, the scan completes', async () => {
    const children = Array.from({ length: 20 }, () => spawn('sleep', ['60']));
    const pids = children.map((c) => c.pid ?? -1);
    const source = sourceWithHook(/^\/proc\/\d+\/status$/, async () => {
      await Promise.all(children.map((c) => killAndWait(c)));
    });
    const all = await scanProcesses({ source });
    expect(all.some((p) => p.pid === process.pid)).toBe(true);
    // Sleepers read before the kill are whole processes (or zombies), never half-read ones.
    for (const p of all.filter((x) => pids.includes(x.pid))) {
      expect(p.comm).toBe('sleep');
      expect(p.state === 'Z' || p.args.join(' ') === 'sleep 60').toBe(true);
    }
    const after = await scanProcesses();
    expect(after.filter((p) => pids.includes(p.pid))).toEqual([]);
  });

  test('namespace links refused (EACCES) are absent fields, not errors', async () => {
    const p = await readProcess(process.pid, { source: deniedSource() });
    expect(p?.pid).toBe(process.pid);
    expect(p?.namespaces).toEqual({});
    expect(p?.root).toBeNull();
    expect(p?.caps).not.toBeNull();
  });

  test('a real permission error from the kernel: readProcess still answers', async () => {
    // Non-root readers (and, on some sandboxes, root for pid 1) get EACCES on /proc/PID/ns.
    // Whatever this host allows, reading pid 1 must not throw.
    const init = await readProcess(1);
    expect(init?.pid).toBe(1);
    expect(init?.comm.length).toBeGreaterThan(0);
  });

  test('inspect of an absent PID is a LabError with a clear message', async () => {
    const child = spawn('true');
    const pid = child.pid ?? -1;
    await killAndWait(child);
    await expect(inspectProcess(pid)).rejects.toThrow(LabError);
    await expect(inspectProcess(pid)).rejects.toThrow(`no process with PID ${pid}`);
  });
});

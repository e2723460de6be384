/**
 * Limits written through the real cgroup files (v1 on the CI machine, v2 elsewhere) read
 * back through the observer, each value naming the file it came from.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cgroupMode, hierarchyFor } from '../../src/engine/cgroupfs.js';
import { LabSession } from '../../src/engine/session.js';
import {
  cgroupStatsOfPath,
  cgroupStatsOfPid,
  type CgroupStats,
} from '../../src/engine/observer/index.js';
import { killAndWait, privateLabHome, waitFor } from './helpers.js';

privateLabHome();

const v1 = cgroupMode() !== 'v2';
const fileName = (r: { file: string } | null | undefined): string => basename(r?.file ?? '');

describe('cgroup limits written through the real files', () => {
  let session: LabSession;
  let dirs: Map<string, string>;
  let rel: string;
  let child: ChildProcess;

  const dirOf = (controller: string): string => {
    const h = hierarchyFor(controller);
    const d = h === undefined ? undefined : dirs.get(h.mountPoint);
    if (d === undefined) throw new Error(`no ${controller} hierarchy`);
    return d;
  };

  beforeAll(async () => {
    session = await LabSession.open();
    dirs = await session.cgroup('obs-test');
    rel = `/contlab/${session.id}/obs-test`;
    if (v1) {
      writeFileSync(join(dirOf('memory'), 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
      writeFileSync(join(dirOf('pids'), 'pids.max'), '42');
      writeFileSync(join(dirOf('cpu'), 'cpu.shares'), '256');
      writeFileSync(join(dirOf('cpu'), 'cpu.cfs_quota_us'), '50000');
    } else {
      writeFileSync(join(dirOf('memory'), 'memory.max'), String(64 * 1024 * 1024));
      writeFileSync(join(dirOf('pids'), 'pids.max'), '42');
      writeFileSync(join(dirOf('cpu'), 'cpu.weight'), '25');
      writeFileSync(join(dirOf('cpu'), 'cpu.max'), '50000 100000');
    }
    child = await session.spawn('sleep', ['60']);
    // The spawn prelude puts the child in the session cgroup and then execs: wait for the
    // exec, or our move could be undone by the prelude.
    await waitFor(() => {
      try {
        return readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep'
          ? true
          : undefined;
      } catch {
        return undefined;
      }
    });
    // Move the session's sleeper into obs-test in every hierarchy.
    for (const dir of dirs.values()) writeFileSync(join(dir, 'cgroup.procs'), String(child.pid));
  });

  afterAll(async () => {
    if (child !== undefined) await killAndWait(child);
    const report = await session?.close();
    expect(report?.errors ?? []).toEqual([]);
  });

  const checkLimits = (s: CgroupStats): void => {
    expect(s.memory?.max.value).toBe(64 * 1024 * 1024);
    expect(s.pids?.max.value).toBe(42);
    expect(s.pids?.current.value).toBe(1);
    expect(s.cpu?.quota.value).toBe(50000);
    expect(s.cpu?.period.value).toBe(100000);
    if (v1) {
      expect(fileName(s.memory?.max)).toBe('memory.limit_in_bytes');
      expect(fileName(s.cpu?.quota)).toBe('cpu.cfs_quota_us');
      expect(s.cpu?.shares?.value).toBe(256);
      expect(fileName(s.cpu?.shares)).toBe('cpu.shares');
      expect(s.cpu?.weight).toBeNull();
      // v2-only concepts are null, not made up.
      expect(s.memory?.high).toBeNull();
      expect(s.memory?.swapMax).toBeNull();
    } else {
      expect(fileName(s.memory?.max)).toBe('memory.max');
      expect(fileName(s.cpu?.quota)).toBe('cpu.max');
      expect(s.cpu?.weight?.value).toBe(25);
    }
    expect(fileName(s.pids?.max)).toBe('pids.max');
    expect(s.memory?.oomKills.value).toBe(0);
    expect(s.freezer?.state.value).toBe('thawed');
  };

  test('read back by cgroup path', async () => {
    checkLimits(await cgroupStatsOfPath(rel));
  });

  test("read back through a process's /proc/PID/cgroup", async () => {
    const found = await cgroupStatsOfPid(child.pid ?? -1);
    expect(found).toBeDefined();
    checkLimits(found!.stats);
    if (v1) expect(found!.location.v1.memory).toBe(dirOf('memory'));
  });

  test('an unlimited value reads as max', async () => {
    const parent = await cgroupStatsOfPath(`/contlab/${session.id}`);
    expect(parent.memory?.max.value).toBe('max');
    expect(parent.cpu?.quota.value).toBe('max');
    expect(parent.pids?.max.value).toBe('max');
  });

  test('a control file this cgroup does not have reads as absent, not a crash', async () => {
    // The root cgroup has no pids.max or freezer.state (v1) and no memory.max (v2).
    const root = await cgroupStatsOfPath('/');
    expect(root.pids?.max.value ?? null).toBeNull();
    if (v1) expect(root.freezer?.state.value).toBeNull();
    const gone = await cgroupStatsOfPath('/contlab/no-such-cgroup-here');
    expect(gone.memory?.max.value).toBeNull();
    expect(gone.cpu?.usageUsec.value).toBeNull();
  });
});

/** The sampler's change events, on real processes, namespaces and cgroups. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupMode, hierarchyFor } from '../../src/engine/cgroupfs.js';
import { LabSession } from '../../src/engine/session.js';
import { Sampler, type SamplerEvents } from '../../src/engine/observer/index.js';
import { killAndWait, privateLabHome, startUnshared, waitFor } from './helpers.js';

privateLabHome();

/** Resolves with the first event of `type` that matches. */
function next<K extends keyof SamplerEvents>(
  sampler: Sampler,
  type: K,
  match: (e: SamplerEvents[K]) => boolean,
  timeoutMs = 10_000,
): Promise<SamplerEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(type)} event`));
    }, timeoutMs);
    const off = sampler.on(type, (e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

describe('Sampler', () => {
  let sampler: Sampler;
  let session: LabSession;
  let dirs: Map<string, string>;
  const dirOf = (controller: string): string =>
    dirs.get(hierarchyFor(controller)?.mountPoint ?? '') ?? '';

  beforeAll(async () => {
    session = await LabSession.open();
    dirs = await session.cgroup('obs-sampler');
    sampler = new Sampler({ hz: 20 });
    sampler.watchCgroup('lab', { path: `/contlab/${session.id}/obs-sampler` });
    await sampler.start();
  });

  afterAll(async () => {
    sampler?.stop();
    await session?.close();
  });

  test('snapshot has every process after start', () => {
    const snap = sampler.snapshot();
    expect(snap.processes.get(process.pid)?.pid).toBe(process.pid);
    expect(snap.cgroups.get('lab')?.pids).toBeDefined();
  });

  test('process started and exited', async () => {
    const child = spawn('sleep', ['60']);
    const started = await next(sampler, 'process-started', (e) => e.process.pid === child.pid);
    expect(started.process.ppid).toBe(process.pid);
    const exited = next(sampler, 'process-exited', (e) => e.process.pid === child.pid);
    await killAndWait(child);
    expect((await exited).process.comm).toBe('sleep');
  });

  test('namespace created', async () => {
    const created = next(sampler, 'namespace-created', (e) => e.type === 'uts');
    const box = await startUnshared(['--uts']);
    try {
      const e = await created;
      await waitFor(() => (sampler.snapshot().processes.get(box.pid) ? true : undefined));
      expect(sampler.snapshot().processes.get(box.pid)?.namespaces.uts).toBe(e.inode);
    } finally {
      await box.kill();
    }
  });

  test('cgroup value changed, with the file it changed in', async () => {
    const changed = next(sampler, 'cgroup-changed', (e) => e.key === 'pids.max');
    writeFileSync(join(dirOf('pids'), 'pids.max'), '17');
    const e = await changed;
    expect(e).toMatchObject({ watch: 'lab', after: 17, before: 'max' });
    expect(e.file).toBe(join(dirOf('pids'), 'pids.max'));
  });

  test('OOM kill counted', async () => {
    const mem = dirOf('memory');
    const limitFile = cgroupMode() === 'v2' ? 'memory.max' : 'memory.limit_in_bytes';
    writeFileSync(join(mem, limitFile), String(16 * 1024 * 1024));
    const oom = next(sampler, 'oom-kill', (e) => e.watch === 'lab', 30_000);
    // tail keeps the one endless "line" of /dev/zero in memory until the OOM killer stops it.
    const hog = await session.spawn('sh', [
      '-c',
      `for d in ${[...dirs.values()].map((d) => `'${d}'`).join(' ')}; do echo $$ > "$d/cgroup.procs"; done; exec tail /dev/zero`,
    ]);
    try {
      const e = await oom;
      expect(e.delta).toBeGreaterThanOrEqual(1);
      expect(e.file.endsWith(cgroupMode() === 'v2' ? 'memory.events' : 'memory.oom_control')).toBe(
        true,
      );
    } finally {
      await killAndWait(hog);
    }
  });

  test('unsubscribe stops delivery; a throwing listener does not stop the others', async () => {
    let calls = 0;
    const off = sampler.on('tick', () => calls++);
    const offBad = sampler.on('tick', () => {
      throw new Error('listener bug');
    });
    const errors: string[] = [];
    const offErr = sampler.on('error', (e) => errors.push(e.message));
    await sampler.tick();
    off();
    offBad();
    offErr();
    const seen = calls;
    await sampler.tick();
    expect(seen).toBeGreaterThanOrEqual(1);
    expect(calls).toBe(seen);
    expect(errors.some((m) => m.includes('listener bug'))).toBe(true);
  });
});

/**
 * The projector dashboard end to end: a memory hog runs in a cgroup with a 64 MiB limit
 * that this test's own lab session made (journaled, removed at the end); the real
 * `contlab monitor` in a pseudo-terminal charts its rise and logs its OOM kill.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { hierarchyFor, LAB_CGROUP_PARENT } from '../../src/engine/cgroupfs.js';
import { LabSession } from '../../src/engine/session.js';
import { useTempLab } from '../helpers/lab-env.js';
import { terminalRestored } from './harness.js';
import { endAll, sessionCgroups, startContlab } from './lab-check.js';

const lab = useTempLab();
afterEach(endAll);
afterAll(() => lab.remove());

describe('contlab monitor', () => {
  test('charts a memory hog rising to its limit and logs the OOM kill', async () => {
    const session = await LabSession.open();
    try {
      const memory = hierarchyFor('memory');
      if (memory === undefined) throw new Error('this host has no memory controller');
      const dirs = await session.cgroup('hog');
      const dir = dirs.get(memory.mountPoint);
      if (dir === undefined) throw new Error('no hog cgroup in the memory hierarchy');
      const limitFile = memory.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
      writeFileSync(join(dir, limitFile), String(64 * 1024 * 1024));
      if (memory.version === 1) writeFileSync(join(dir, 'memory.swappiness'), '0');
      else if (existsSync(join(dir, 'memory.swap.max')))
        writeFileSync(join(dir, 'memory.swap.max'), '0');
      const rel = `/${LAB_CGROUP_PARENT}/${session.id}/hog`;

      const ui = startContlab(['monitor', '--cgroup', rel], {
        env: { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run },
        cols: 120,
        rows: 36,
      });
      await ui.waitForText(/watching cgroup/);
      await ui.waitForText(/limit/);

      // 4 MiB every 0.2 s: a rise the chart can follow, then the kernel's OOM kill.
      const hog = await session.spawn('/bin/sh', [
        '-c',
        `echo $$ > '${join(dir, 'cgroup.procs')}'; for i in $(seq 60); do head -c 4M /dev/zero; sleep 0.2; done | tail`,
      ]);
      await ui.waitForText(/peak (1\d|[2-9]\d)\.\d MiB/, 30_000);
      await ui.waitForText(/OOM kill/, 30_000);
      // The chart drew the rise (braille dots) against the 64 MiB limit.
      expect(ui.screenText()).toMatch(/[\u2801-\u28ff]/);
      expect(ui.screenText()).toMatch(/\/ 64\.0 MiB/);
      await new Promise<void>((resolve) => {
        if (hog.exitCode !== null || hog.signalCode !== null) resolve();
        else hog.on('exit', () => resolve());
      });

      ui.press('q');
      const { exitCode } = await ui.exited();
      expect(exitCode).toBe(0);
      expect(terminalRestored(ui.raw()).ok).toBe(true);
    } finally {
      const report = await session.close();
      expect(report.errors).toEqual([]);
    }
    expect(sessionCgroups(process.pid)).toEqual([]);
  });
});

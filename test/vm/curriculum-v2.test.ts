/**
 * The whole curriculum on a pure cgroup v2 kernel: `contlab verify --all --auto` runs inside
 * the VM (this machine's own root filesystem, Debian's cloud kernel, cgroup_no_v1=all), with
 * the real node, runc, containerd, dockerd and contlab-runtime. Every lesson must say it was
 * verified on cgroup v2, and the VM must leave nothing on the host.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { lessonFiles, loadLessonFile } from '../../src/lessons/load.js';
import { vmLeftovers } from './leftovers.js';

const bin = join(repoRoot, 'bin', 'contlab');
const scratch = mkdtempSync('/tmp/contlab-vmcur-');
const env = {
  ...process.env,
  CONTLAB_HOME: join(scratch, 'home'),
  CONTLAB_RUN: join(scratch, 'run'),
};
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runInVm(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['vm', 'run', '--timeout', '2700', '--', bin, ...args], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the curriculum on cgroup v2', () => {
  test('verify --all --auto passes in the VM, every lesson on cgroup v2', async () => {
    const { code, out } = await runInVm(['verify', '--all', '--auto']);
    // The log is kept for whoever reads a failing CI run.
    const log = process.env.CONTLAB_VM_LOG ?? join(scratch, 'verify-all.log');
    writeFileSync(log, out);
    if (code !== 0) process.stderr.write(out);
    const ids = lessonFiles().map((f) => loadLessonFile(f).id);
    for (const id of ids)
      expect(out).toMatch(new RegExp(`✓ ${id}: (\\d+) of \\1 steps? verified on cgroup v2 `));
    expect(code).toBe(0);
    expect(vmLeftovers(env.CONTLAB_RUN)).toEqual([]);
  }, 2_800_000);
});

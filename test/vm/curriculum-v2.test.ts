/**
 * The whole curriculum on a pure cgroup v2 kernel: `contlab verify LESSON --auto` for every
 * lesson inside the VM (this machine's own root filesystem, Debian's cloud kernel,
 * cgroup_no_v1=all), with the real node, runc, containerd, dockerd and contlab-runtime.
 * Every lesson must say it was verified on cgroup v2, and the VMs must leave nothing on the
 * host.
 *
 * Each lesson gets a VM of its own, CONTLAB_VM_JOBS (2) at a time, longest first. Under
 * software emulation a guest spends most of its time waiting on one process at a time, so
 * two VMs nearly halve the wall time of one `verify --all --auto` VM (which a 2-core CI
 * machine could not fit in its budget); a VM per lesson also means no lesson can see another's
 * leftovers. `contlab vm run -- contlab verify --all --auto` does the same in one VM.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { lessonFiles, loadLessonFile } from '../../src/lessons/load.js';
import type { Lesson } from '../../src/lessons/format/model.js';
import { vmLeftovers } from './leftovers.js';

const bin = join(repoRoot, 'bin', 'contlab');
const scratch = mkdtempSync('/tmp/contlab-vmcur-');
const env = {
  ...process.env,
  CONTLAB_HOME: join(scratch, 'home'),
  CONTLAB_RUN: join(scratch, 'run'),
  // Two emulated VMs at once, niced, beside the host suite on the same 2 cores: each guest
  // gets well under the CPU an emulated VM alone has, so its time limits stretch twice more
  // than emulation's own 3 (a check's 10 s is 60 s). A check that hangs still fails.
  CONTLAB_TIME_SCALE: '2',
};
const jobs = Math.max(1, Number(process.env.CONTLAB_VM_JOBS ?? 2) || 2);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  id: string;
  code: number | null;
  out: string;
  ms: number;
}

function verifyInVm(id: string): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const args = ['vm', 'run', '--timeout', '2400', '--', bin, 'verify', id, '--auto'];
    const child = spawn(bin, args, { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ id, code, out, ms: Date.now() - started }));
  });
}

/** A rough cost: lessons with daemons are slow to set up in every step under emulation. */
function weight(lesson: Lesson): number {
  return lesson.steps.length * (lesson.requirements.daemons.length > 0 ? 3 : 1);
}

/** Runs `work` over `items`, `width` at a time, in the order given. */
async function pool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      results.push(await work(item));
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

describe('the curriculum on cgroup v2', () => {
  test('every lesson verifies with --auto in the VM, on cgroup v2', async () => {
    const lessons = lessonFiles()
      .map((f) => loadLessonFile(f))
      .sort((a, b) => weight(b) - weight(a));
    const runs = await pool(lessons, jobs, (l) => verifyInVm(l.id));
    // The log is kept for whoever reads a failing CI run.
    const log = process.env.CONTLAB_VM_LOG ?? join(scratch, 'verify-all.log');
    writeFileSync(
      log,
      runs.map((r) => `### ${r.id}: exit ${r.code}, ${r.ms} ms\n${r.out}`).join('\n'),
    );
    const failed = runs.filter((r) => r.code !== 0);
    for (const r of failed) process.stderr.write(`### ${r.id} (exit ${r.code})\n${r.out}\n`);
    expect(failed.map((r) => r.id)).toEqual([]);
    for (const r of runs)
      expect(r.out).toMatch(new RegExp(`✓ ${r.id}: (\\d+) of \\1 steps? verified on cgroup v2 `));
    expect(vmLeftovers(env.CONTLAB_RUN)).toEqual([]);
    process.stdout.write(
      runs.map((r) => `${r.id}: ${(r.ms / 1000).toFixed(0)} s in the VM\n`).join(''),
    );
  }, 3_300_000);
});

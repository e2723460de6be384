/**
 * `contlab start --vm`: the player in a real terminal on this machine, the lesson's lab in
 * the cgroup v2 VM. The learner's command runs in the VM's shell, the checkpoint passes
 * there, the panels show the VM's processes, undo removes what was made in the VM since the
 * step began, the progress is saved on this machine, and
 * nothing of the lab touches this machine's kernel (no cgroup, no namespace of it here);
 * quitting leaves no VM behind.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { endAll, startUi } from '../ui/harness.js';
import { vmLeftovers } from './leftovers.js';

const scratch = mkdtempSync('/tmp/contlab-vmlab-');
const home = join(scratch, 'home');
const run = join(scratch, 'run');
afterEach(endAll);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The lab cgroups on this machine (every hierarchy): a --vm lab must add none. */
function hostLabCgroups(): string[] {
  const out: string[] = [];
  const tops = existsSync('/sys/fs/cgroup/cgroup.controllers')
    ? ['/sys/fs/cgroup']
    : readdirSync('/sys/fs/cgroup').map((h) => join('/sys/fs/cgroup', h));
  for (const top of tops) {
    const parent = join(top, 'contlab');
    if (existsSync(parent)) out.push(...readdirSync(parent).map((d) => join(parent, d)));
  }
  return out;
}

describe('contlab start --vm', () => {
  test('the lesson runs in the VM, the player here; progress saved here; nothing left', async () => {
    const before = hostLabCgroups();
    const ui = startUi({
      cols: 120,
      rows: 36,
      file: join(repoRoot, 'bin', 'contlab'),
      args: ['start', '--vm', '00-process'],
      env: { CONTLAB_HOME: home, CONTLAB_RUN: run },
    });
    try {
      await ui.waitForText(/lab:~#\s*$/m, 600_000);
      // The frame shows the prompt before the step's setup has run in the (slow) VM: the
      // step's commands can be run once the step says so.
      await ui.waitForText(/Ctrl-T 1 runs one/, 300_000);
      ui.press('ctrlT');
      ui.press('1');
      await ui.waitForText('checkpoint passed', 300_000);
      // While the VM runs, this machine has no cgroup of this lab (its session is named for
      // the player's PID; other labs on this machine may come and go meanwhile).
      const mine = new RegExp(`/session-${ui.pid}-\\d+$`);
      expect(hostLabCgroups().filter((c) => !before.includes(c) && mine.test(c))).toEqual([]);
      await ui.type('hostname; cat /proc/self/cgroup\r');
      await ui.waitForText(/contlab-vm\s*$/m, 120_000);
      const frame = await ui.waitForText(/0::\/contlab\/session-\d+-\d+\/shell/, 120_000);
      // The process panel shows the VM's processes: the sleep is PID 1 of its namespace.
      expect(frame).toMatch(/sleep\(\d+\) \[pid 1 inside\]/);
      // Undo (Ctrl-T u) works on the VM's kernel: a cgroup made since the step began goes.
      await ui.type('mkdir $LAB_CGROUP_MEMORY/contlab-u1 && echo made-u1\r');
      await ui.waitForText(/│made-u1/, 120_000);
      ui.press('ctrlT');
      ui.press('u');
      await ui.waitForText(/undo: step \d/, 300_000);
      await ui.type('test -d $LAB_CGROUP_MEMORY/contlab-u1 || echo gone-u1\r');
      await ui.waitForText(/│gone-u1/, 120_000);
      ui.press('ctrlT');
      ui.press('q');
      const exit = await ui.exited(120_000);
      expect(exit.exitCode).toBe(0);
    } finally {
      ui.kill('SIGKILL');
    }
    const progress = JSON.parse(readFileSync(join(home, 'progress.json'), 'utf8')) as {
      lessons: Record<string, { steps: Record<string, { completedAt?: string }> }>;
    };
    expect(progress.lessons.process?.steps.start?.completedAt).toEqual(expect.any(String));
    expect(vmLeftovers(run)).toEqual([]);
  }, 900_000);
});

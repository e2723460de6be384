/**
 * `contlab vm run` for real: a Debian cloud kernel booted on this machine's own root
 * filesystem, pure cgroup v2 inside, the command's output and status carried back, and
 * nothing left on the host afterwards, even when the host side is killed with SIGKILL.
 * Bad input (no qemu, no kernel package reachable, a VM that does not boot in time) gives
 * one clear message and leaves nothing either.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { vmLeftovers } from './leftovers.js';

const bin = join(repoRoot, 'bin', 'contlab');
const scratch = mkdtempSync('/tmp/contlab-vmtest-');
// A lab home and runtime directory of this test's own: its VMs are the only ones it sees.
const env = {
  ...process.env,
  CONTLAB_HOME: join(scratch, 'home'),
  CONTLAB_RUN: join(scratch, 'run'),
};
const leftovers = (): string[] => vmLeftovers(env.CONTLAB_RUN);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('contlab vm run', () => {
  test('inside: the v2 controllers, a single 0:: cgroup line, the exit status and stderr apart', () => {
    const r = contlab(
      [
        'vm',
        'run',
        '--',
        'sh',
        '-c',
        'cat /sys/fs/cgroup/cgroup.controllers; cat /proc/self/cgroup; ' +
          'grep -c " cgroup " /proc/self/mountinfo; uname -r; pwd; ' +
          'echo "$CONTLAB_TIME_SCALE"; echo to-stderr >&2; exit 7',
      ],
      // A host that is slow itself (shared cores) says so: the guest stretches its limits
      // by that on top of emulation's own 3.
      { ...env, CONTLAB_TIME_SCALE: '2' },
      600_000,
    );
    expect(r.stderr.trim()).toBe('to-stderr');
    expect(r.code).toBe(7);
    const [controllers, cgroup, v1mounts, release, cwd, scale] = r.stdout.trim().split('\n');
    expect(controllers?.split(' ')).toEqual(
      expect.arrayContaining(['cpu', 'io', 'memory', 'pids']),
    );
    expect(cgroup).toBe('0::/');
    expect(v1mounts).toBe('0');
    expect(release).toMatch(/-cloud-amd64$/);
    expect(cwd).toBe(process.cwd());
    // 6 under emulation (TCG), 2 with KVM.
    expect(['6', '2']).toContain(scale);
    expect(leftovers()).toEqual([]);
  });

  test('a deliberately broken checkpoint makes verify inside the VM exit non-zero', () => {
    const lesson = join(repoRoot, 'test', 'lessons', 'fixtures', 'verify', 'never-passes.md');
    const r = contlab(['vm', 'run', '--', bin, 'verify', lesson, '--auto'], env, 600_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/the checkpoint fails after the step's commands/);
    expect(r.stdout).toMatch(/start the sleep with unshare --uts --fork/);
    expect(leftovers()).toEqual([]);
  });

  test('kill -9 of the host side: qemu, virtiofsd and the VM files are gone within 5 s', async () => {
    const child = spawn(bin, ['vm', 'run', '--', 'sh', '-c', 'echo booted; sleep 600'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 300_000;
    while (!out.includes('booted') && Date.now() < deadline) await sleep(100);
    expect(out).toContain('booted');
    expect(leftovers().length).toBeGreaterThan(0); // the VM really is running now
    const killedAt = Date.now();
    child.kill('SIGKILL');
    while (leftovers().length > 0 && Date.now() - killedAt < 5000) await sleep(50);
    expect(leftovers()).toEqual([]);
    // The session's journal and directories are the supervisor's (or cleanup's) to remove.
    const c = contlab(['cleanup'], env);
    expect(c.code).toBe(0);
  });
});

describe('contlab vm run, bad input', () => {
  test('no qemu: one message with the remedy, nothing started', () => {
    const emptyBin = join(scratch, 'bin');
    mkdirSync(emptyBin, { recursive: true });
    const r = spawnSync(process.execPath, [bin, 'vm', 'run', '--', 'true'], {
      env: { ...env, PATH: emptyBin },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/qemu is not installed/);
    expect(r.stderr).toMatch(/remedy: .*apt-get install qemu-system-x86/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('no kernel package reachable (apt knows no sources, nothing cached): the remedy', () => {
    const cache = join(scratch, 'empty-cache');
    const lists = join(scratch, 'lists');
    mkdirSync(join(lists, 'partial'), { recursive: true });
    const aptConf = join(scratch, 'apt.conf');
    writeFileSync(
      aptConf,
      [
        `Dir::State::lists "${lists}";`,
        `Dir::Etc::sourcelist "/dev/null";`,
        `Dir::Etc::sourceparts "${join(scratch, 'no-parts')}";`,
        `Dir::Cache::archives "${join(scratch, 'no-archives')}";`,
        `Dir::Cache "${join(scratch, 'apt-cache')}";`,
      ].join('\n'),
    );
    const r = contlab(['vm', 'run', '--', 'true'], {
      ...env,
      CONTLAB_VM_CACHE: cache,
      APT_CONFIG: aptConf,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no kernel package reachable/);
    expect(r.stderr).toMatch(/remedy: .*contlab vm fetch/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    // Nothing half-made in the cache.
    const left = existsSync(join(cache, 'kernels')) ? readdirSync(join(cache, 'kernels')) : [];
    expect(left).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  test('a VM that does not boot in its time limit: the message, the console, nothing left', () => {
    const r = contlab(['vm', 'run', '--boot-timeout', '0.5', '--', 'true'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the VM did not boot within 0.5 s \((TCG|KVM)\)/);
    expect(r.stderr).toMatch(/remedy: /);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('bad flags are refused before anything starts', () => {
    for (const args of [
      ['vm', 'run', '--accel', 'fast', '--', 'true'],
      ['vm', 'run', '--memory', '-5', '--', 'true'],
      ['vm', 'run'],
    ]) {
      const r = contlab(args, env);
      expect(r.code).not.toBe(0);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect(leftovers()).toEqual([]);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

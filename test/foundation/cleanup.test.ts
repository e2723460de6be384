/**
 * The cleanup journal against the real host: a process creates lab resources of every kind,
 * is killed with SIGKILL, and `contlab cleanup` must remove all of them.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { linkExists, mountedAt, netnsExists, processExists } from '../helpers/host.js';
import { makeTempLab } from '../helpers/lab-env.js';

interface Made {
  sessionId: string;
  cgroups: string[];
  mountPoint: string;
  netns: string;
  veth: string;
  unsharePid: number;
  sleepPid: number;
  containerdPid: number;
  containerPid: number;
}

const lab = makeTempLab();
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  contlab(['cleanup'], lab.env);
  lab.remove();
});

async function makeResources(): Promise<{ child: ChildProcess; made: Made }> {
  const child = spawn(process.execPath, [join(process.cwd(), 'test/fixtures/lab-resources.mjs')], {
    env: lab.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
  });
  return { child, made: JSON.parse(line) as Made };
}

async function sigkill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

function present(m: Made): Record<string, boolean> {
  return {
    cgroups: m.cgroups.some((c) => existsSync(c)),
    mount: mountedAt(m.mountPoint),
    netns: netnsExists(m.netns),
    veth: linkExists(m.veth),
    unshare: processExists(m.unsharePid),
    sleepInPidNs: processExists(m.sleepPid),
    containerd: processExists(m.containerdPid),
    containerdContainer: processExists(m.containerPid),
  };
}

const KINDS = [
  'cgroups',
  'mount',
  'netns',
  'veth',
  'unshare',
  'sleepInPidNs',
  'containerd',
  'containerdContainer',
];
const allTrue = Object.fromEntries(KINDS.map((k) => [k, true]));
const allFalse = Object.fromEntries(KINDS.map((k) => [k, false]));

describe('contlab cleanup', () => {
  test('removes every kind of resource after the owner was killed with SIGKILL', async () => {
    // cgroups, a mount, a netns with a veth pair, a process in a new PID namespace, and a
    // lab containerd with a running container.
    const { child, made } = await makeResources();
    // One cgroup in every mounted hierarchy (v1 controllers, the named systemd one, v2).
    const hierarchies = readFileSync('/proc/self/mountinfo', 'utf8').match(/ - cgroup2? /g) ?? [];
    expect(made.cgroups.length).toBe(hierarchies.length);
    expect(made.containerPid).toBeGreaterThan(0);
    expect(present(made)).toEqual(allTrue);

    await sigkill(child);
    // Killing the owner removes nothing by itself: the resources outlive it.
    expect(present(made)).toEqual(allTrue);

    const r = contlab(['cleanup', '--json'], lab.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { removed: string[]; errors: string[] };
    expect(report.errors).toEqual([]);
    expect(report.removed).toEqual(
      expect.arrayContaining([`network namespace ${made.netns}`, `mount ${made.mountPoint}`]),
    );
    expect(present(made)).toEqual(allFalse);

    const again = contlab(['cleanup'], lab.env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('nothing to clean up');
  });

  test("leaves a live lab's resources alone", async () => {
    const { child, made } = await makeResources();
    const r = contlab(['cleanup'], lab.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`left alone: ${made.sessionId}`);
    expect(present(made)).toEqual(allTrue);

    await sigkill(child);
    expect(contlab(['cleanup'], lab.env).code).toBe(0);
    expect(present(made)).toEqual(allFalse);
  });

  test('a corrupt journal line is reported and does not stop the rest from being cleaned', () => {
    const journalDir = join(lab.home, 'journal');
    mkdirSync(journalDir, { recursive: true });
    const leftover = join(lab.home, 'sessions', 'session-999999999-1', 'scratch');
    mkdirSync(leftover, { recursive: true });
    const journal = join(journalDir, 'session-999999999-1.jsonl');
    writeFileSync(
      journal,
      [
        '{"op":"session","owner":{"pid":999999999,"start":1},"created":"2026-01-01T00:00:00Z"}',
        '{"op":"create","seq":1,"resource":{"kind":"dir","path":"' + leftover + '"}}',
        '{"op":"create","seq":2,"resou',
      ].join('\n') + '\n',
    );
    const r = contlab(['cleanup'], lab.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${journal}:3: not a valid journal line`);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(leftover)).toBe(false);

    const again = contlab(['cleanup'], lab.env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('nothing to clean up');
  });
});

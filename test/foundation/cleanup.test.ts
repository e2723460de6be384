/**
 * The cleanup journal against the real host: a process creates lab resources of every kind
 * and is killed with SIGKILL. Its supervisor must then remove all of them by itself, with
 * no command typed; and when the supervisor was killed as well, `contlab cleanup` (or the
 * start-up sweep of the next `contlab`) must.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmdlineOf, identityOf } from '../../src/engine/procfs.js';
import { supervisorBin } from '../../src/engine/supervisor.js';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { linkExists, mountedAt, netnsExists, processExists } from '../helpers/host.js';
import { sigkill, startReadyScript } from '../helpers/daemons.js';
import { makeTempLab } from '../helpers/lab-env.js';
import {
  killSupervisor,
  msUntil,
  sessionIdOfProcess,
  supervisorOf,
} from '../helpers/supervisor.js';

interface Made {
  sessionId: string;
  sessionDir: string;
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

async function makeResources(light = false): Promise<{ child: ChildProcess; made: Made }> {
  const fixture = join(process.cwd(), 'test/fixtures/lab-resources.mjs');
  const { child, ready } = await startReadyScript<Made>(fixture, lab.env, {
    args: light ? ['light'] : [],
  });
  children.push(child);
  return { child, made: ready };
}

function present(m: Made): Record<string, boolean> {
  const all: Record<string, boolean> = {
    cgroups: m.cgroups.some((c) => existsSync(c)),
    mount: mountedAt(m.mountPoint),
    netns: netnsExists(m.netns),
    veth: linkExists(m.veth),
    unshare: processExists(m.unsharePid),
    sleepInPidNs: processExists(m.sleepPid),
    containerd: processExists(m.containerdPid),
    containerdContainer: processExists(m.containerPid),
  };
  // The light fixture starts no containerd.
  if (m.containerdPid === 0) for (const k of ['containerd', 'containerdContainer']) delete all[k];
  return all;
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
const LIGHT = KINDS.filter((k) => !k.startsWith('containerd'));
const lightTrue = Object.fromEntries(LIGHT.map((k) => [k, true]));
const lightFalse = Object.fromEntries(LIGHT.map((k) => [k, false]));
const gone = (m: Made): boolean => Object.values(present(m)).every((v) => !v);

describe('contlab cleanup', () => {
  test('its supervisor removes every kind of resource by itself when the owner is SIGKILLed', async () => {
    // cgroups, a mount, a netns with a veth pair, a process in a new PID namespace, and a
    // lab containerd with a running container.
    const { child, made } = await makeResources();
    // One cgroup in every mounted hierarchy (v1 controllers, the named systemd one, v2).
    const hierarchies = readFileSync('/proc/self/mountinfo', 'utf8').match(/ - cgroup2? /g) ?? [];
    expect(made.cgroups.length).toBe(hierarchies.length);
    expect(made.containerPid).toBeGreaterThan(0);
    expect(present(made)).toEqual(allTrue);
    // The supervisor is journaled, and runs in a session of its own (not the lab's).
    const supervisor = supervisorOf(lab.home, made.sessionId);
    expect(supervisor).toBeDefined();
    const sup = supervisor as { pid: number; start: number };
    expect(processExists(sup.pid)).toBe(true);
    expect(sessionIdOfProcess(sup.pid)).toBe(sup.pid);
    expect(sessionIdOfProcess(sup.pid)).not.toBe(sessionIdOfProcess(child.pid as number));

    await sigkill(child);
    // No command typed: the supervisor notices and cleans up.
    const ms = await msUntil(() => gone(made) && !processExists(sup.pid));
    process.stdout.write(`supervisor cleaned up ${made.sessionId} ${ms} ms after SIGKILL\n`);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(present(made)).toEqual(allFalse);
    expect(existsSync(join(lab.home, 'journal', `${made.sessionId}.jsonl`))).toBe(false);
    expect(existsSync(made.sessionDir)).toBe(false);
    const log = readFileSync(join(lab.home, 'supervise.log'), 'utf8');
    expect(log).toContain(`${made.sessionId}: lab pid ${made.sessionId.split('-')[1]} ended`);
    expect(log).toContain(`removed network namespace ${made.netns}`);

    const again = contlab(['cleanup'], lab.env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('nothing to clean up');
  });

  test('contlab cleanup removes every kind of resource when the supervisor was killed too', async () => {
    const { child, made } = await makeResources();
    await killSupervisor(supervisorOf(lab.home, made.sessionId) as { pid: number; start: number });
    await sigkill(child);
    // Nobody left to clean up: the resources outlive their lab.
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

  test('the next contlab cleans up after a lab killed with its supervisor, and says so in one line', async () => {
    const { child, made } = await makeResources(true);
    await killSupervisor(supervisorOf(lab.home, made.sessionId) as { pid: number; start: number });
    await sigkill(child);
    expect(present(made)).toEqual(lightTrue);

    // `contlab` with no command (here, not in a terminal: the text menu).
    const r = contlab([], lab.env);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^✓ contlab: cleaned up after 1 lab that ended without closing: .*\d+ cgroups.*1 mount.*1 network namespace/,
    );
    expect(present(made)).toEqual(lightFalse);
    expect(contlab([], lab.env).stderr).toBe('');
  });

  test("leaves a live lab's resources alone", async () => {
    const { child, made } = await makeResources();
    const r = contlab(['cleanup'], lab.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`left alone: ${made.sessionId}`);
    expect(present(made)).toEqual(allTrue);

    await sigkill(child);
    // The supervisor is cleaning it now: cleanup waits for it, then finds nothing left.
    expect(contlab(['cleanup'], lab.env).code).toBe(0);
    expect(present(made)).toEqual(allFalse);
  });

  test('a dead session its supervisor is cleaning is left to it at start-up, and contlab cleanup waits for it', async () => {
    // A dead session (its owner, PID 999999998, is long gone) with one directory...
    const id = 'session-999999998-1';
    const scratch = join(lab.home, 'sessions', id, 'scratch');
    mkdirSync(scratch, { recursive: true });
    mkdirSync(join(lab.home, 'journal'), { recursive: true });
    writeFileSync(
      join(lab.home, 'journal', `${id}.jsonl`),
      [
        '{"op":"session","owner":{"pid":999999998,"start":1},"created":"2026-01-01T00:00:00Z"}',
        `{"op":"create","seq":1,"resource":{"kind":"dir","path":"${scratch}"}}`,
      ].join('\n') + '\n',
    );
    // ...and a real supervisor of it, busy until the process it watches ends, then for
    // 1.5 s more (its "cleanup" writes into the directory, to show who came last).
    const watched = spawn('sleep', ['1000'], { stdio: 'ignore' });
    children.push(watched);
    const w = identityOf(watched.pid as number) as { pid: number; start: number };
    const busy = spawn(
      supervisorBin,
      [
        '--pid',
        String(w.pid),
        '--start',
        String(w.start),
        '--session',
        id,
        '--',
        'sh',
        '-c',
        `sleep 1.5; mkdir -p ${scratch} && echo supervisor > ${scratch}/by-supervisor`,
      ],
      { stdio: 'ignore' },
    );
    children.push(busy);
    expect(
      await msUntil(() => cmdlineOf(busy.pid as number)[0] === supervisorBin),
    ).toBeGreaterThanOrEqual(0);

    // The start-up sweep leaves it to its supervisor.
    const home = contlab([], lab.env);
    expect(home.stderr).toBe('');
    expect(existsSync(scratch)).toBe(true);

    // The supervisor starts its cleanup; contlab cleanup, run meanwhile, waits for it to
    // finish before it replays the journal (else the directory would be made again).
    watched.kill('SIGKILL');
    const r = contlab(['cleanup'], lab.env);
    expect(r.code).toBe(0);
    expect(busy.exitCode ?? (await new Promise((res) => busy.once('exit', res)))).toBe(0);
    expect(existsSync(join(lab.home, 'sessions', id))).toBe(false);
    expect(existsSync(join(lab.home, 'journal', `${id}.jsonl`))).toBe(false);
  });

  test('cleanup --session with something that is not a session id: one message, exit 1', () => {
    const r = contlab(['cleanup', '--session', '../../etc'], lab.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--session ../../etc: expected a session id like session-123-456');
    expect(hasStackTrace(r.stderr)).toBe(false);
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

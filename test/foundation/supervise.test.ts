/**
 * contlab-supervise on the real kernel: it notices the death of the process it watches
 * (with a pidfd, and with the fallbacks: PR_SET_PDEATHSIG and /proc) and then runs its
 * command once; it exits without running it when told "exit"; and nothing aimed at the
 * lab reaches it: a SIGKILL to the lab's process group, a hangup, the removal of the lab
 * cgroup it was started in.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { labHierarchies, makeCgroupDir } from '../../src/engine/cgroupfs.js';
import { identityOf, type ProcessIdentity } from '../../src/engine/procfs.js';
import { removeCgroupTree } from '../../src/engine/removers.js';
import { removeEmptyLabParents } from '../../src/engine/session.js';
import { LabSession } from '../../src/engine/session.js';
import { supervisorBin } from '../../src/engine/supervisor.js';
import { processExists } from '../helpers/host.js';
import { useTempLab } from '../helpers/lab-env.js';
import { msUntil, sessionIdOfProcess, supervisorOf } from '../helpers/supervisor.js';

const dir = mkdtempSync('/tmp/contlab-sv-');
const lab = useTempLab();
const started: ChildProcess[] = [];
let n = 0;

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  lab.remove();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if (cond()) return true;
  return cond();
}

/** A "lab": a sleep whose identity the supervisor is given. */
function startLab(): { child: ChildProcess; id: ProcessIdentity } {
  const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
  started.push(child);
  const id = identityOf(child.pid as number);
  if (id === undefined) throw new Error('the lab sleep did not start');
  return { child, id };
}

/** A fresh marker file the command writes, and the log, for one supervisor. */
function paths(): { marker: string; log: string } {
  n += 1;
  return { marker: join(dir, `ran-${n}`), log: join(dir, `log-${n}`) };
}

function argv(id: ProcessIdentity, p: { marker: string; log: string }, extra: string[] = []) {
  return [
    '--pid',
    String(id.pid),
    '--start',
    String(id.start),
    '--session',
    `session-test-${n}`,
    '--log',
    p.log,
    ...extra,
    '--',
    'sh',
    '-c',
    `echo ran >> ${p.marker}`,
  ];
}

function supervise(args: string[]): ChildProcess {
  const child = spawn(supervisorBin, args, { stdio: ['pipe', 'ignore', 'ignore'] });
  started.push(child);
  return child;
}

const exitOf = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', r));
const logOf = (p: { log: string }): string =>
  existsSync(p.log) ? readFileSync(p.log, 'utf8') : '';
const watching = (p: { log: string }): Promise<boolean> =>
  until(() => logOf(p).includes('watching lab pid'));

describe('contlab-supervise', () => {
  test('with a pidfd: runs the command once the watched process is killed', async () => {
    const lab = startLab();
    const p = paths();
    const sup = supervise(argv(lab.id, p));
    expect(await watching(p)).toBe(true);
    expect(logOf(p)).toContain('with a pidfd');
    expect(existsSync(p.marker)).toBe(false);
    lab.child.kill('SIGKILL');
    expect(await exitOf(sup)).toBe(0);
    expect(readFileSync(p.marker, 'utf8')).toBe('ran\n');
    expect(logOf(p)).toMatch(/ended without closing its session: running sh/);
    expect(logOf(p)).toMatch(/cleanup finished with status 0 after \d+ ms/);
  });

  test('without a pidfd, as the lab child: PR_SET_PDEATHSIG (and /proc)', async () => {
    const p = paths();
    // The lab starts its supervisor, then becomes a long sleep (same PID, same start).
    const labScript =
      `s=$(cut -d' ' -f22 /proc/$$/stat); "$0" --pid $$ --start $s --log ${p.log} --no-pidfd ` +
      `-- sh -c 'echo ran >> ${p.marker}' & exec sleep 1000`;
    const lab = spawn('sh', ['-c', labScript, supervisorBin], { stdio: 'ignore' });
    started.push(lab);
    expect(await watching(p)).toBe(true);
    expect(logOf(p)).toContain('with PR_SET_PDEATHSIG and /proc');
    lab.kill('SIGKILL');
    expect(await until(() => existsSync(p.marker))).toBe(true);
  });

  test('without a pidfd, not the lab child: polling /proc', async () => {
    const lab = startLab();
    const p = paths();
    const sup = supervise(argv(lab.id, p, ['--no-pidfd']));
    expect(await watching(p)).toBe(true);
    expect(logOf(p)).toContain('watching lab pid');
    expect(logOf(p)).toMatch(/with \/proc$/m);
    lab.child.kill('SIGKILL');
    expect(await exitOf(sup)).toBe(0);
    expect(existsSync(p.marker)).toBe(true);
  });

  test('"exit" on the control pipe: exits without running the command', async () => {
    const lab = startLab();
    const p = paths();
    const sup = supervise(argv(lab.id, p));
    expect(await watching(p)).toBe(true);
    sup.stdin?.end('exit\n');
    expect(await exitOf(sup)).toBe(0);
    expect(logOf(p)).toContain('the lab closed its session: nothing to clean');
    lab.child.kill('SIGKILL');
    expect(existsSync(p.marker)).toBe(false);
  });

  test('a lab that is already gone (PID reused: another start time) is cleaned at once', async () => {
    const lab = startLab();
    const p = paths();
    const sup = supervise(argv({ pid: lab.id.pid, start: lab.id.start + 1 }, p));
    expect(await exitOf(sup)).toBe(0);
    expect(existsSync(p.marker)).toBe(true);
    // The process with the same PID was not the lab: it lives on.
    expect(processExists(lab.id.pid)).toBe(true);
  });

  test("survives a hangup and a SIGKILL of the lab's whole process group", async () => {
    const p = paths();
    const labScript =
      `s=$(cut -d' ' -f22 /proc/$$/stat); "$0" --pid $$ --start $s --log ${p.log} ` +
      `-- sh -c 'echo ran >> ${p.marker}' & exec sleep 1000`;
    // detached: the lab leads its own process group, and the supervisor starts in it.
    const lab = spawn('sh', ['-c', labScript, supervisorBin], { stdio: 'ignore', detached: true });
    started.push(lab);
    expect(await watching(p)).toBe(true);
    const supPid = Number(/contlab-supervise\[(\d+)\]/.exec(logOf(p))?.[1]);
    expect(processExists(supPid)).toBe(true);
    process.kill(supPid, 'SIGHUP');
    process.kill(-(lab.pid as number), 'SIGKILL');
    expect(await until(() => existsSync(p.marker))).toBe(true);
  });

  test('started inside a lab cgroup, it moves out: removing that cgroup does not end it', async () => {
    const rel = `contlab/test-supervise-${process.pid}`;
    const dirs = labHierarchies().map((h) => makeCgroupDir(h, rel));
    try {
      const lab = startLab();
      const p = paths();
      const procs = dirs.map((d) => `'${join(d, 'cgroup.procs')}'`).join(' ');
      const sup = spawn(
        'sh',
        [
          '-c',
          `for f in ${procs}; do echo $$ > "$f"; done; exec "$@"`,
          'sh',
          supervisorBin,
          ...argv(lab.id, p),
        ],
        { stdio: ['pipe', 'ignore', 'ignore'] },
      );
      started.push(sup);
      expect(await watching(p)).toBe(true);
      const cgroups = readFileSync(`/proc/${sup.pid}/cgroup`, 'utf8');
      expect(cgroups).not.toMatch(/:\/contlab\//);
      for (const d of dirs) await removeCgroupTree(d);
      expect(processExists(sup.pid as number)).toBe(true);
      lab.child.kill('SIGKILL');
      expect(await exitOf(sup)).toBe(0);
      expect(existsSync(p.marker)).toBe(true);
    } finally {
      for (const d of dirs) await removeCgroupTree(d);
      removeEmptyLabParents();
    }
  });

  test('bad arguments: one message, exit 2, nothing run', () => {
    for (const args of [
      [],
      ['--pid', '1', '--start', 'x', '--', 'true'],
      ['--pid', '1', '--start', '2'],
    ]) {
      const r = spawnSync(supervisorBin, args, { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^contlab-supervise: .+\nusage: contlab-supervise --pid PID/);
    }
  });
});

describe('the supervisor of a lab session', () => {
  test('starts with the session, out of its reach, and exits when the session closes', async () => {
    const session = await LabSession.open();
    let closed = false;
    try {
      const sup = supervisorOf(lab.home, session.id);
      expect(sup).toBeDefined();
      const pid = sup?.pid as number;
      expect(processExists(pid)).toBe(true);
      // Its own session and process group; no lab cgroup (the session's are removed).
      expect(sessionIdOfProcess(pid)).toBe(pid);
      expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).not.toContain(session.id);
      const log = join(lab.home, 'supervise.log');
      expect(await msUntil(() => readFileSync(log, 'utf8').includes('watching lab pid'))).not.toBe(
        -1,
      );
      expect(readFileSync(log, 'utf8')).toContain(
        `${session.id}: watching lab pid ${process.pid} with a pidfd`,
      );

      expect((await session.close()).errors).toEqual([]);
      closed = true;
      expect(await msUntil(() => !processExists(pid))).not.toBe(-1);
      expect(readFileSync(log, 'utf8')).toContain(`${session.id}: the lab closed its session`);
      expect(readFileSync(log, 'utf8')).not.toContain(`${session.id}: lab pid`);
    } finally {
      if (!closed) await session.close();
    }
  });
});

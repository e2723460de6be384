/**
 * contlab-runtime behind the real daemons, in place of runc: a lab containerd (its own
 * config, socket and root, started by this test) drives it through containerd 1.6's runc v2
 * shim with `ctr run --runc-binary`, and a lab dockerd started with `--add-runtime` runs
 * `docker run --runtime contlab`. Every command the shim sends (create --console-socket,
 * start, state, ps, exec, pause, resume, kill, delete) is the real one; the test checks
 * that it was our binary that answered (its own state.json), and that nothing is left.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  importLabImage,
  loadLabImage,
  startLabContainerd,
  startLabDockerd,
  type LabContainerd,
  type LabDockerd,
} from '../../src/engine/daemons/index.js';
import type { RunResult } from '../../src/engine/exec.js';
import type { LabImage } from '../../src/engine/image/lab-image.js';
import { repoRoot } from '../../src/engine/repo.js';
import { LabSession } from '../../src/engine/session.js';
import { contlab } from '../helpers/cli.js';
import { buildDist, labCgroupDirs, mountsBelow, pidsMentioning } from '../helpers/daemons.js';
import { processExists } from '../helpers/host.js';
import { useTempLab } from '../helpers/lab-env.js';
import { RUNTIME as REAL_RUNTIME } from '../helpers/bundle.js';
// CONTLAB_RUNTIME_WRAPPER=/path/to/script (which logs "$@" and execs bin/contlab-runtime)
// shows the exact command lines the shims send; observed with containerd 1.6 / docker 20.10:
//   --root R/<ns> --log B/log.json --log-format json create --bundle B --pid-file B/init.pid
//     [--console-socket S] ID · start · ps --format json · exec --process F --detach
//     --pid-file P · pause · resume · kill ID 9 · delete · delete --force
// (no --systemd-cgroup: the lab dockerd uses the cgroupfs driver).
const RUNTIME = process.env.CONTLAB_RUNTIME_WRAPPER ?? REAL_RUNTIME;

const lab = useTempLab();
let session: LabSession;
let containerd: LabContainerd;
let image: LabImage;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // `contlab cleanup` (the safety net in afterAll) runs from dist/: build it if missing.
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js'))) buildDist();
  session = await LabSession.open();
  containerd = await startLabContainerd(session);
  image = await importLabImage(containerd);
});

afterAll(async () => {
  await session?.close();
  contlab(['cleanup'], lab.env);
  lab.remove();
});

/** `ctr run` with contlab-runtime as the runc binary; journaled so cleanup removes it. */
async function ctrRun(name: string, flags: string[], command: string[]): Promise<RunResult> {
  const id = `contlab-${name}-${process.pid}`;
  return session.track(
    {
      kind: 'containerd-container',
      address: containerd.address,
      namespace: containerd.namespace,
      id,
    },
    () =>
      containerd.ctr([
        'run',
        '--runc-binary',
        RUNTIME,
        '--runc-root',
        containerd.runcRoot,
        '--fifo-dir',
        containerd.fifoDir,
        '--cgroup',
        `/contlab/${session.id}/containerd/${id}`,
        ...flags,
        image.reference,
        id,
        ...command,
      ]),
  );
}

/** Our state.json (runc's has no `creator_starttime`): proof our binary made it. */
function ourState(id: string): { pid: number; creator_starttime: number } | undefined {
  const file = join(containerd.runcRoot, containerd.namespace, id, 'state.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/**
 * A command that prints and then lives a moment longer. ctr loses the output of a process
 * that exits right after printing, now and then, whatever the runtime: its IO is torn down
 * when the exit arrives, sometimes before the shim's copy reached it (containerd's race; seen
 * in concourse#6775). Measured here under load: 1 of 160 runs lost it with runc, 1 of 160
 * with contlab-runtime. What these tests check is that the runtime wires stdio and the exit
 * status; the pause keeps containerd's race out of that.
 */
const thenLinger = (script: string): string => `${script}; sleep 0.3`;

describe('ctr run --runc-binary bin/contlab-runtime', () => {
  test('a one-shot command: its output and its exit code', async () => {
    const r = await ctrRun(
      'oneshot',
      ['--rm'],
      ['sh', '-c', `${thenLinger('echo "hello from pid $$"')}; exit 3`],
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello from pid 1\n');
    expect(r.code).toBe(3);
    expect(readdirSync(join(containerd.runcRoot, containerd.namespace))).toEqual([]);
  });

  test('-d, then tasks ps, exec, pause, resume, kill and delete', async () => {
    const id = `contlab-detached-${process.pid}`;
    const r = await ctrRun('detached', ['--detach'], ['sleep', '1000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const st = ourState(id);
    expect(st?.creator_starttime).toBeGreaterThan(0);
    const pid = st!.pid;
    expect(processExists(pid)).toBe(true);

    const ps = await containerd.ctr(['tasks', 'ps', id]);
    expect(ps.code).toBe(0);
    expect(ps.stdout).toMatch(new RegExp(`^${pid}\\s`, 'm'));

    const ex = await containerd.ctr([
      'tasks',
      'exec',
      '--exec-id',
      'contlab-exec1',
      id,
      'sh',
      '-c',
      `${thenLinger('echo "exec sees init $(cat /proc/1/comm)"')}; exit 5`,
    ]);
    expect(ex.stdout).toBe('exec sees init sleep\n');
    expect(ex.code).toBe(5);

    // exec --tty: the shim passes --console-socket to `exec` as well (script(1) gives ctr
    // the terminal it wants on stdin; the process lives a moment because ctr resizes the
    // pty once it runs).
    const ttyExec = spawnSync(
      'script',
      [
        '-qec',
        `ctr --address ${containerd.address} --namespace ${containerd.namespace} tasks exec --tty --exec-id contlab-exec-tty ${id} sh -c "tty; sleep 0.5"`,
        '/dev/null',
      ],
      { encoding: 'utf8', input: '', timeout: 60_000 },
    );
    expect(ttyExec.stdout.replace(/\r|\^@/g, '')).toMatch(/^\/dev\/pts\/\d+\n$/);
    expect(ttyExec.status).toBe(0);

    const status = async () =>
      new RegExp(`^${id}\\s+${pid}\\s+(\\w+)`, 'm').exec(
        (await containerd.ctr(['tasks', 'ls'])).stdout,
      )?.[1];
    expect(await status()).toBe('RUNNING');
    expect((await containerd.ctr(['tasks', 'pause', id])).code).toBe(0);
    expect(await status()).toBe('PAUSED');
    const freezer = labCgroupDirs(`${session.id}/containerd/${id}`).find((d) =>
      d.includes('/freezer/'),
    );
    if (freezer) expect(readFileSync(join(freezer, 'freezer.state'), 'utf8').trim()).toBe('FROZEN');
    expect((await containerd.ctr(['tasks', 'resume', id])).code).toBe(0);
    expect(await status()).toBe('RUNNING');

    expect((await containerd.ctr(['tasks', 'kill', '--signal', 'SIGKILL', id])).code).toBe(0);
    for (let i = 0; i < 200 && (await status()) !== 'STOPPED'; i++) await sleep(25);
    expect(await status()).toBe('STOPPED');
    expect(processExists(pid)).toBe(false);
    expect((await containerd.ctr(['tasks', 'delete', id])).code).toBe(0);
    expect((await containerd.ctr(['containers', 'delete', id])).code).toBe(0);
    expect(ourState(id)).toBeUndefined();
    expect(labCgroupDirs(`${session.id}/containerd/${id}`)).toEqual([]);
  });

  test('--tty: the process gets a terminal through --console-socket', async () => {
    const id = `contlab-tty-${process.pid}`;
    // ctr --tty needs a terminal on its own stdin: script(1) gives it one.
    const cmd = [
      'ctr',
      '--address',
      containerd.address,
      '--namespace',
      containerd.namespace,
      'run',
      '--rm',
      '--tty',
      '--runc-binary',
      RUNTIME,
      '--runc-root',
      containerd.runcRoot,
      '--fifo-dir',
      containerd.fifoDir,
      '--cgroup',
      `/contlab/${session.id}/containerd/${id}`,
      image.reference,
      id,
      'sh',
      '-c',
      'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys',
    ].join(' ');
    const r = await session.track(
      {
        kind: 'containerd-container',
        address: containerd.address,
        namespace: containerd.namespace,
        id,
      },
      () =>
        spawnSync('script', ['-qec', cmd, '/dev/null'], {
          encoding: 'utf8',
          input: '',
          timeout: 60_000,
        }),
    );
    // The same output as under runc.
    const runc = spawnSync(
      'script',
      [
        '-qec',
        cmd.replace(`--runc-binary ${RUNTIME} `, '').replaceAll(id, `${id}-runc`),
        '/dev/null',
      ],
      { encoding: 'utf8', input: '', timeout: 60_000 },
    );
    // script(1) echoes the empty stdin as ^@ wherever it happens to land: not the runtime's.
    const clean = (t: string) => t.replace(/\r|\^@/g, '');
    expect(clean(r.stdout)).toBe(clean(runc.stdout));
    expect(clean(r.stdout)).toMatch(/^\/dev\/pts\/\d+\nboth-ttys\n$/);
    expect(r.status).toBe(0);
  });
});

describe('dockerd --add-runtime contlab=bin/contlab-runtime', () => {
  let dockerd: LabDockerd;
  beforeAll(async () => {
    dockerd = await startLabDockerd(session, containerd, {
      extraArgs: ['--add-runtime', `contlab=${RUNTIME}`],
    });
    await loadLabImage(dockerd, image);
  });

  test('docker run --runtime contlab: output, exit code, and our runtime did it', async () => {
    const name = `contlab-docker-${process.pid}`;
    const r = await session.track({ kind: 'docker-container', host: dockerd.host, id: name }, () =>
      dockerd.docker([
        'run',
        '--rm',
        '--runtime',
        'contlab',
        '--name',
        name,
        '--network',
        'none',
        '--memory',
        '64m',
        image.dockerTag,
        'sh',
        '-c',
        'echo "hello from docker"; cat /sys/fs/cgroup/memory/memory.limit_in_bytes; exit 4',
      ]),
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`hello from docker\n${64 * 1024 * 1024}\n`);
    expect(r.code).toBe(4);

    const bg = `contlab-docker-bg-${process.pid}`;
    const d = await session.track({ kind: 'docker-container', host: dockerd.host, id: bg }, () =>
      dockerd.docker([
        'run',
        '--detach',
        '--runtime',
        'contlab',
        '--name',
        bg,
        '--network',
        'none',
        image.dockerTag,
        'sleep',
        '1000',
      ]),
    );
    expect(d.code).toBe(0);
    const full = d.stdout.trim();
    // dockerd 20.10 keeps the runtime's state under <exec-root>/runtime-runc/moby/<id>
    // whatever the runtime is called; the state.json there is ours (runc's has no
    // creator_starttime).
    const state = join(dockerd.execRoot, 'runtime-runc', 'moby', full, 'state.json');
    expect(JSON.parse(readFileSync(state, 'utf8')).creator_starttime).toBeGreaterThan(0);
    const ex = await dockerd.docker([
      'exec',
      bg,
      'sh',
      '-c',
      'echo "pid of init: $(cat /proc/1/comm)"',
    ]);
    expect(ex.stdout).toBe('pid of init: sleep\n');
    expect((await dockerd.docker(['rm', '--force', bg])).code).toBe(0);
    expect(existsSync(state)).toBe(false);
  });

  test('stops, with the containerd: no process, mount or cgroup is left', async () => {
    await dockerd.stop();
    await containerd.stop();
    expect(pidsMentioning(containerd.address)).toEqual([]);
    expect(mountsBelow(session.dir)).toEqual([]);
    expect(mountsBelow(session.runDir)).toEqual([]);
    await session.close();
    expect(labCgroupDirs(session.id)).toEqual([]);
  });
});

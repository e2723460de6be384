/**
 * contlab-runtime's lifecycle, driven like containerd's shim drives runc: create (init
 * waits on the exec fifo) -> start -> pause/resume -> kill -> delete, with the states
 * observed in between, and nothing left behind afterwards.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { RuntimeLab, RUNTIME, cgroupDirs, defaultConfig, hasCommand } from '../helpers/bundle.js';
import { processExists } from '../helpers/host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let lab: RuntimeLab;
beforeAll(() => {
  lab = new RuntimeLab('life');
});
afterAll(() => {
  lab?.cleanup();
});

function status(id: string): string {
  const r = lab.run(['state', id]);
  if (r.code !== 0) return `error: ${r.stderr.trim()}`;
  return JSON.parse(r.stdout).status as string;
}

function procState(pid: number): string {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2)[0] ?? '';
  } catch {
    return '';
  }
}

describe('the command line', () => {
  test('--version names the runtime and the spec version', () => {
    const r = spawnSync(RUNTIME, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^contlab-runtime version \d+\.\d+\.\d+\nspec: 1\.0\.2\n$/);
  });

  test('spec writes the same document as `runc spec`, and refuses to overwrite it', () => {
    const dir = lab.bundle(null, 'spec');
    expect(lab.run(['spec', '--bundle', dir]).code).toBe(0);
    const ours = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(ours.process.capabilities.bounding).toEqual([
      'CAP_AUDIT_WRITE',
      'CAP_KILL',
      'CAP_NET_BIND_SERVICE',
    ]);
    expect(ours.linux.namespaces.map((n: { type: string }) => n.type)).toEqual([
      'pid',
      'network',
      'ipc',
      'uts',
      'mount',
    ]);
    // The very document `runc spec` writes, but for the version and the hostname.
    if (hasCommand('runc')) {
      const theirs = lab.bundle(null, 'spec-runc');
      expect(spawnSync('runc', ['spec', '--bundle', theirs]).status).toBe(0);
      const runc = JSON.parse(readFileSync(join(theirs, 'config.json'), 'utf8'));
      expect({ ...ours, ociVersion: '', hostname: '' }).toEqual({
        ...runc,
        ociVersion: '',
        hostname: '',
      });
    }
    const again = lab.run(['spec', '--bundle', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('File config.json exists. Remove it first');
    const rootless = lab.bundle(null, 'spec-rootless');
    expect(lab.run(['spec', '--rootless', '--bundle', rootless]).code).toBe(0);
    const rl = JSON.parse(readFileSync(join(rootless, 'config.json'), 'utf8'));
    expect(rl.linux.namespaces.map((n: { type: string }) => n.type)).toContain('user');
    expect(rl.linux.namespaces.map((n: { type: string }) => n.type)).not.toContain('network');
    expect(rl.linux.uidMappings).toEqual([{ containerID: 0, hostID: process.getuid!(), size: 1 }]);
  });

  test('errors use runc wording, exit 1, and go to --log as JSON lines', () => {
    const log = join(lab.base, 'log.json');
    const r = lab.run(['state', 'contlab-nope'], {
      global: ['--log', log, '--log-format', 'json'],
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('container does not exist');
    const line = JSON.parse(readFileSync(log, 'utf8').trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 'error', msg: 'container does not exist' });
    expect(typeof line.time).toBe('string');
    expect(lab.run(['delete', '--force', 'contlab-nope']).code).toBe(0);
    expect(lab.run(['delete', 'contlab-nope']).code).toBe(1);
    expect(lab.run(['--systemd-cgroup', '--debug', 'list']).code).toBe(0);
  });
});

describe('create -> start -> pause -> resume -> kill -> delete', () => {
  const id = `contlab-life-${process.pid}`;
  let pid = 0;
  let bundle: string;
  const cg = () => lab.cgroupsPath('life');

  beforeAll(() => {
    bundle = lab.bundle(defaultConfig(['sleep', '1000'], cg()));
  });

  test('create is "creating" while it works, then "created" with init waiting', async () => {
    const pidFile = join(lab.base, 'life.pid');
    const child = lab.spawn(['create', '--bundle', bundle, '--pid-file', pidFile, id], {
      ...process.env,
      CONTLAB_PAUSE_AT: 'clone',
    });
    // The runtime stops itself (SIGSTOP) right after clone: the state is observable.
    for (let i = 0; i < 200 && procState(child.pid!) !== 'T'; i++) await sleep(25);
    expect(procState(child.pid!)).toBe('T');
    expect(status(id)).toBe('creating');
    process.kill(child.pid!, 'SIGCONT');
    const code = await new Promise<number>((res) => child.on('exit', (c) => res(c ?? -1)));
    expect(code).toBe(0);
    const text = readFileSync(pidFile, 'utf8');
    expect(text).toMatch(/^\d+$/);
    pid = Number(text);
    expect(status(id)).toBe('created');
    expect(processExists(pid)).toBe(true);
    // init has not exec'd yet: it is still the runtime (a sealed memfd copy of it).
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).not.toBe('sleep');
    const state = JSON.parse(lab.run(['state', id]).stdout);
    expect(state).toMatchObject({ ociVersion: '1.0.2', id, pid, status: 'created', bundle });
    expect(lab.run(['create', '--bundle', bundle, id]).stderr.trim()).toBe(
      `container with id exists: ${id}`,
    );
  });

  test('start execs the process: "running"', async () => {
    expect(lab.run(['start', id]).code).toBe(0);
    expect(status(id)).toBe('running');
    for (let i = 0; i < 100 && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'sleep'; i++)
      await sleep(20);
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('sleep');
    expect(lab.run(['start', id]).stderr.trim()).toBe('cannot start an already running container');
  });

  test('ps and exec: a second process joins the container', () => {
    const pidFile = join(lab.base, 'exec.pid');
    const proc = join(lab.base, 'process.json');
    const cfg = defaultConfig(['sleep', '999']).process;
    spawnSync('sh', ['-c', `cat > ${proc}`], { input: JSON.stringify(cfg) });
    const r = lab.run(['exec', '--process', proc, '--detach', '--pid-file', pidFile, id]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const execPid = Number(readFileSync(pidFile, 'utf8'));
    expect(execPid).toBeGreaterThan(0);
    const pids = JSON.parse(lab.run(['ps', '--format', 'json', id]).stdout) as number[];
    expect(pids.sort()).toEqual([pid, execPid].sort());
    const link = (p: number, t: string) =>
      spawnSync('readlink', [`/proc/${p}/ns/${t}`], { encoding: 'utf8' }).stdout;
    for (const t of ['pid', 'mnt', 'net', 'uts', 'ipc'])
      expect(link(execPid, t)).toBe(link(pid, t));
    const out = lab.run(['exec', id, 'hostname']);
    expect(out).toMatchObject({ code: 0, stdout: 'contlab-test\n' });
  });

  test('pause freezes the cgroup ("paused"), resume thaws it', () => {
    expect(lab.run(['pause', id]).code).toBe(0);
    expect(status(id)).toBe('paused');
    const freezer = cgroupDirs(cg()).find((d) => d.includes('/freezer/'));
    if (freezer) expect(readFileSync(join(freezer, 'freezer.state'), 'utf8').trim()).toBe('FROZEN');
    expect(lab.run(['pause', id]).code).toBe(1);
    expect(lab.run(['resume', id]).code).toBe(0);
    expect(status(id)).toBe('running');
    expect(lab.run(['resume', id]).stderr.trim()).toBe('container not paused');
  });

  test('delete refuses a running container; kill by name stops it', async () => {
    expect(lab.run(['delete', id]).stderr.trim()).toBe(
      `cannot delete container ${id} that is not stopped: running`,
    );
    expect(lab.run(['kill', id, 'NOPE']).code).toBe(1);
    expect(lab.run(['kill', id, 'SIGKILL']).code).toBe(0);
    for (let i = 0; i < 100 && status(id) !== 'stopped'; i++) await sleep(20);
    expect(status(id)).toBe('stopped');
    expect(lab.run(['kill', id, '9']).stderr.trim()).toBe('container not running');
  });

  test('delete leaves no cgroup, no state dir and no mount', () => {
    expect(cgroupDirs(cg()).length).toBeGreaterThan(0);
    expect(lab.run(['delete', id]).code).toBe(0);
    expect(cgroupDirs(cg())).toEqual([]);
    expect(existsSync(join(lab.stateRoot(RUNTIME), id))).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.rootfs);
    expect(status(id)).toBe('error: container does not exist');
  });
});

describe('a PID is not an identity', () => {
  test('state remembers init’s start time: a reused PID is never signalled', () => {
    const id = `contlab-reuse-${process.pid}`;
    const b = lab.bundle(defaultConfig(['sleep', '1000'], lab.cgroupsPath('reuse')));
    expect(lab.run(['run', '--detach', '--bundle', b, id]).code).toBe(0);
    const file = join(lab.stateRoot(RUNTIME), id, 'state.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; starttime: number };
    // Pretend init died and another process got its PID: the start time no longer matches.
    writeFileSync(file, JSON.stringify({ ...saved, starttime: saved.starttime - 1 }));
    expect(status(id)).toBe('stopped');
    expect(lab.run(['kill', id, 'KILL']).stderr.trim()).toBe('container not running');
    expect(processExists(saved.pid)).toBe(true);
    // Back to the truth: now it is running, and delete --force ends it.
    writeFileSync(file, JSON.stringify(saved));
    expect(status(id)).toBe('running');
    expect(lab.run(['delete', '--force', id]).code).toBe(0);
    expect(cgroupDirs(lab.cgroupsPath('reuse'))).toEqual([]);
  });

  test('--systemd-cgroup: a slice:prefix:name path becomes /slice/prefix-name.scope', () => {
    const id = `contlab-sd-${process.pid}`;
    const cfg = defaultConfig(['true'], `contlab.slice:contlab:sd${process.pid}`);
    const b = lab.bundle(cfg);
    const log = join(lab.base, 'sd.trace');
    const r = lab.run(['run', '--bundle', b, id], {
      global: ['--systemd-cgroup', '--trace', log],
    });
    expect(r.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(`/contlab.slice/contlab-sd${process.pid}.scope`);
    expect(cgroupDirs('contlab.slice')).toEqual([]);
  });
});

describe('run', () => {
  test('stdio goes to the container untouched and the exit code comes back', () => {
    const b = lab.bundle(
      defaultConfig(
        ['sh', '-c', 'read x; echo "got $x"; echo oops >&2; exit 7'],
        lab.cgroupsPath('run'),
      ),
    );
    const r = lab.run(['run', '--bundle', b, `contlab-run-${process.pid}`], { input: 'hello\n' });
    expect(r).toEqual({ code: 7, stdout: 'got hello\n', stderr: 'oops\n' });
    expect(cgroupDirs(lab.cgroupsPath('run'))).toEqual([]);
  });

  test('a program execve refuses: run says why, exits 1, and leaves nothing (foreground and --detach)', () => {
    // Not an executable format: found and executable, so init gets as far as execve.
    writeFileSync(join(lab.rootfs, 'contlab-bad'), 'not a program\n', { mode: 0o755 });
    try {
      const b = lab.bundle(defaultConfig(['/contlab-bad'], lab.cgroupsPath('bad')));
      for (const flags of [[], ['--detach']]) {
        const id = `contlab-bad-${flags.length}-${process.pid}`;
        const r = lab.run(['run', ...flags, '--bundle', b, id]);
        expect(r).toMatchObject({ code: 1, stderr: 'exec /contlab-bad: Exec format error\n' });
        expect(existsSync(join(lab.stateRoot(RUNTIME), id))).toBe(false);
        expect(cgroupDirs(lab.cgroupsPath('bad'))).toEqual([]);
      }
    } finally {
      rmSync(join(lab.rootfs, 'contlab-bad'));
    }
  });

  test('kill --all signals every process; kill accepts numbers and names', async () => {
    const id = `contlab-all-${process.pid}`;
    const b = lab.bundle(
      defaultConfig(['sh', '-c', 'sleep 1000 & sleep 1000 & wait'], lab.cgroupsPath('all')),
    );
    expect(lab.run(['run', '--detach', '--bundle', b, id]).code).toBe(0);
    for (let i = 0; i < 100; i++) {
      if ((JSON.parse(lab.run(['ps', '--format', 'json', id]).stdout) as number[]).length === 3)
        break;
      await sleep(20);
    }
    const pids = JSON.parse(lab.run(['ps', '--format', 'json', id]).stdout) as number[];
    expect(pids.length).toBe(3);
    expect(lab.run(['kill', '--all', id, 'KILL']).code).toBe(0);
    for (let i = 0; i < 100 && pids.some(processExists); i++) await sleep(20);
    expect(pids.filter(processExists)).toEqual([]);
    expect(lab.run(['delete', id]).code).toBe(0);
  });
});

/**
 * Rootless: `spec --rootless` run by an ordinary user (uid 1000, through setpriv), with a
 * user namespace mapping that uid to root inside. From the host: the container's root is
 * uid 1000, its user namespace is new with exactly that one mapping, no cgroup was made
 * (nothing is delegated to the user on this host, so the runtime skips cgroups as runc
 * does), and the user deletes it again, leaving nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { readProcess } from '../../src/engine/observer/index.js';
import { RUNTIME, RuntimeLab, cgroupDirs, hasCommand } from '../helpers/bundle.js';

const UID = 1000;
let lab: RuntimeLab;
let state: string;
beforeAll(() => {
  lab = new RuntimeLab('rootless');
  state = join(lab.base, 'state-user');
  mkdirSync(state);
  chownSync(state, UID, UID);
});
afterAll(() => {
  // As root, in case a step failed half-way (the user's containers are in `state`).
  for (const id of existsSync(state) ? readdirSync(state) : [])
    spawnSync(RUNTIME, ['--root', state, 'delete', '--force', id]);
  lab?.cleanup();
});

/** The runtime as uid 1000. Its stdio are files: a detached container keeps them open. */
function asUser(args: string[]) {
  const out = join(lab.base, 'user.out');
  const err = join(lab.base, 'user.err');
  const fds = [openSync(out, 'w'), openSync(err, 'w')];
  const r = spawnSync(
    'setpriv',
    [
      '--reuid',
      String(UID),
      '--regid',
      String(UID),
      '--clear-groups',
      RUNTIME,
      '--root',
      state,
      ...args,
    ],
    { stdio: ['ignore', fds[0]!, fds[1]!], timeout: 60_000 },
  );
  fds.forEach((fd) => closeSync(fd));
  return { status: r.status, stdout: readFileSync(out, 'utf8'), stderr: readFileSync(err, 'utf8') };
}

const maybe = hasCommand('setpriv') ? describe : describe.skip;

maybe('an unprivileged user runs a container (spec --rootless)', () => {
  test('root inside is the user outside; no cgroup; delete leaves nothing', async () => {
    const bundle = lab.bundle(null, 'rootless');
    expect(spawnSync(RUNTIME, ['spec', '--rootless', '--bundle', bundle]).status).toBe(0);
    const cfg = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
    cfg.process.terminal = false;
    cfg.process.args = ['sleep', '1000'];
    cfg.root.path = lab.rootfs;
    // `spec --rootless` maps the uid that ran it (root here): map the user's instead.
    cfg.linux.uidMappings = [{ containerID: 0, hostID: UID, size: 1 }];
    cfg.linux.gidMappings = [{ containerID: 0, hostID: UID, size: 1 }];
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(cfg));

    const id = `contlab-rootless-${process.pid}`;
    const pidFile = join(state, 'init.pid');
    const r = asUser(['run', '--detach', '--pid-file', pidFile, '--bundle', bundle, id]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const [info, self] = await Promise.all([readProcess(pid), readProcess(process.pid)]);
    expect(info?.uid?.real).toBe(UID);
    expect(info?.namespaces.user).not.toBe(self?.namespaces.user);
    expect(readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split(/\s+/)).toEqual([
      '0',
      String(UID),
      '1',
    ]);
    expect(readFileSync(`/proc/${pid}/setgroups`, 'utf8').trim()).toBe('deny');
    // Inside, it is root (uid 0) of its own namespace, with a full bounding set there.
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\s+1000\s/m);
    expect(cgroupDirs(`contlab-runtime/${id}`)).toEqual([]);
    expect(JSON.parse(asUser(['state', id]).stdout).status).toBe('running');

    const d = asUser(['delete', '--force', id]);
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    expect(existsSync(join(state, id))).toBe(false);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.rootfs);
  });
});

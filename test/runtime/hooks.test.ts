/**
 * OCI hooks: createRuntime (and prestart) during create, before pivot_root, while init
 * waits; poststart after start; poststop after delete. Each hook is a real program (the
 * host's sh) that records the state JSON it got on stdin and something only true at that
 * moment (the container's network namespace exists: a hook can look at /proc/PID/ns/net).
 * A failing createRuntime hook fails create, naming the hook, and leaves nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  RUNTIME,
  RuntimeLab,
  cgroupDirs,
  defaultConfig,
  type OciConfig,
} from '../helpers/bundle.js';

let lab: RuntimeLab;
beforeAll(() => {
  lab = new RuntimeLab('hooks');
});
afterAll(() => {
  lab?.cleanup();
});

type WithHooks = OciConfig & { hooks?: Record<string, unknown[]> };

/** A hook (the host's sh) that appends "<name> <the state on its stdin>" to `file`, then
 * runs `extra`, which may use the state as $s. */
const record = (file: string, name: string, extra = '') => ({
  path: '/bin/sh',
  args: ['sh', '-c', `s=$(cat); echo "${name} $s" >> ${file}; ${extra}`],
});

describe('hooks', () => {
  test('createRuntime, prestart, poststart and poststop run at their moments, with the state', () => {
    const log = join(lab.base, 'hooks.log');
    const id = `contlab-hooks-${process.pid}`;
    const cfg = defaultConfig(['sleep', '1000'], lab.cgroupsPath('hooks')) as WithHooks;
    cfg.hooks = {
      prestart: [record(log, 'prestart')],
      createRuntime: [
        // init exists, with its own network namespace, but has not pivoted or started.
        record(
          log,
          'createRuntime',
          `pid=$(echo "$s" | sed 's/.*"pid":\\([0-9]*\\).*/\\1/'); readlink /proc/$pid/ns/net >> ${log}`,
        ),
      ],
      poststart: [record(log, 'poststart')],
      poststop: [record(log, 'poststop')],
    };
    const b = lab.bundle(cfg);
    const pidFile = join(b, 'init.pid');
    expect(lab.run(['create', '--pid-file', pidFile, '--bundle', b, id]).code).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    let lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['prestart', 'createRuntime', lines[2]]);
    // The runtime environment exists: per the spec's lifecycle (and state.md), create's
    // step 2 is done, so both hooks see "created" (runtime-tools' hooks_stdin checks it).
    for (const [i, name] of [
      [0, 'prestart'],
      [1, 'createRuntime'],
    ] as const) {
      const state = JSON.parse(lines[i]!.slice(name.length + 1)) as Record<string, unknown>;
      expect(state).toMatchObject({ ociVersion: '1.0.2', id, pid, status: 'created', bundle: b });
    }
    expect(lines[2]).toMatch(/^net:\[\d+\]$/);
    expect(lines[2]).toBe(readlinkSync(`/proc/${pid}/ns/net`));
    expect(lines[2]).not.toBe(readlinkSync('/proc/self/ns/net'));

    expect(lab.run(['start', id]).code).toBe(0);
    lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines[3]).toMatch(/^poststart /);
    expect(JSON.parse(lines[3]!.slice('poststart '.length))).toMatchObject({
      id,
      pid,
      status: 'running',
    });

    expect(lab.run(['delete', '--force', id]).code).toBe(0);
    lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines[4]).toMatch(/^poststop /);
    expect(JSON.parse(lines[4]!.slice('poststop '.length))).toMatchObject({
      id,
      status: 'stopped',
    });
    expect(lines).toHaveLength(5);
  });

  test('a failing createRuntime hook fails create, says which and why, and leaves nothing', () => {
    const id = `contlab-hookfail-${process.pid}`;
    const cfg = defaultConfig(['true'], lab.cgroupsPath('hookfail')) as WithHooks;
    cfg.hooks = {
      createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', 'echo "no network for you"; exit 3'] }],
    };
    const r = lab.run(['create', '--bundle', lab.bundle(cfg), id]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('createRuntime hook /bin/sh: exit status 3: no network for you\n');
    expect(existsSync(join(lab.stateRoot(RUNTIME), id))).toBe(false);
    expect(cgroupDirs(lab.cgroupsPath('hookfail'))).toEqual([]);
  });

  test('hooks that would run inside the container are refused by name', () => {
    const cfg = defaultConfig(['true'], lab.cgroupsPath('hookin')) as WithHooks;
    cfg.hooks = { startContainer: [{ path: '/bin/true' }] };
    const r = lab.run(['create', '--bundle', lab.bundle(cfg), `contlab-hookin-${process.pid}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('config.json: .hooks.startContainer: not supported by this runtime\n');
  });
});

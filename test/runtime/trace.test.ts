/**
 * --trace: one JSON line per kernel step, as it happens, from the runtime and from the
 * container's init (until its execve). The TUI's "container by hand" lesson replays it, so
 * the order must be the real one: cgroup made, clone, namespaces, mounts, pivot_root,
 * capabilities, no_new_privs, execve. Each line says whether the step worked and how long
 * it took; the same lines arrive on an inherited descriptor (CONTLAB_TRACE_FD).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { RUNTIME, RuntimeLab, defaultConfig } from '../helpers/bundle.js';

interface Step {
  step: string;
  detail: string;
  ok: boolean;
  us: number;
  pid: number;
  t: number;
  error?: string;
}

let lab: RuntimeLab;
beforeAll(() => {
  lab = new RuntimeLab('trace');
});
afterAll(() => {
  lab?.cleanup();
});

function parse(file: string): Step[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Step);
}

/** Index of the first step matching, or -1. */
const clone = (steps: Step[]) => at(steps, 'clone');

function at(steps: Step[], step: string, detail: RegExp = /./): number {
  return steps.findIndex((s) => s.step === step && detail.test(s.detail));
}

describe('--trace FILE', () => {
  let steps: Step[];
  let initPid = 0;

  beforeAll(() => {
    const cfg = defaultConfig(['sh', '-c', 'echo $$'], lab.cgroupsPath('trace'));
    cfg.linux.resources = { ...cfg.linux.resources, pids: { limit: 16 } };
    const b = lab.bundle(cfg);
    const file = join(lab.base, 'trace.jsonl');
    const r = lab.run(['run', '--bundle', b, `contlab-trace-${process.pid}`], {
      global: ['--trace', file],
    });
    expect(r).toMatchObject({ code: 0, stdout: '1\n', stderr: '' });
    steps = parse(file);
    initPid = Number(/child pid (\d+)/.exec(steps[at(steps, 'clone')]?.detail ?? '')?.[1]);
  });

  test('every line is a complete step record', () => {
    expect(steps.length).toBeGreaterThan(30);
    for (const s of steps) {
      expect(Object.keys(s).sort()).toEqual(
        s.ok
          ? ['detail', 'ok', 'pid', 'step', 't', 'us']
          : ['detail', 'error', 'ok', 'pid', 'step', 't', 'us'],
      );
      expect(s.us).toBeGreaterThanOrEqual(0);
    }
  });

  test('the steps come in the order a container is born', () => {
    const order = [
      at(steps, 'clone', /CLONE_NEWPID/),
      at(steps, 'unshare', /CLONE_NEWNS\|CLONE_NEWUTS\|CLONE_NEWIPC\|CLONE_NEWNET/),
      at(steps, 'hostname', /contlab-test/),
      at(steps, 'mount', /rootfs .* onto itself/),
      at(steps, 'mount', /on \/proc type proc/),
      at(steps, 'pivot_root'),
      at(steps, 'mask', /\/proc\/timer_list/),
      at(steps, 'readonly', /remount \/ read-only/),
      at(steps, 'caps.bounding', /KILL,NET_BIND_SERVICE,AUDIT_WRITE/),
      at(steps, 'caps', /^capset/),
      at(steps, 'no_new_privs'),
      // run has no exec fifo: init, in its cgroup already, execs as soon as it is ready.
      at(steps, 'execve', /\/bin\/sh \(sh -c echo \$\$\)/),
      at(steps, 'cgroup.rmdir'),
    ];
    expect(order.filter((i) => i < 0)).toEqual([]);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The cgroup: made, with its limit, then init in it, all before init is ready. Without
    // a user namespace the runtime makes it while init makes its namespaces (see create.c),
    // so these lines interleave with init's; the cgroup namespace, if any, comes after.
    const mkdir = at(steps, 'cgroup', /^mkdir /);
    const limit = at(steps, 'cgroup.write', /pids\.max$/);
    // Into it: on v1 init writes itself (0) to each hierarchy's tasks, on v2 it is born
    // there (CLONE_INTO_CGROUP, in the clone line), else its pid goes to cgroup.procs.
    const join = Math.max(
      at(steps, 'cgroup.write', /cgroup\.procs$/),
      at(steps, 'cgroup.write', /^write 0 to .*\/tasks \(joins it itself\)$/),
      at(steps, 'clone', /CLONE_INTO_CGROUP/),
    );
    for (const i of [mkdir, limit, join]) expect(i).toBeGreaterThanOrEqual(0);
    expect(limit).toBeGreaterThan(mkdir);
    expect(join).toBeGreaterThan(mkdir);
    expect(join).toBeLessThan(at(steps, 'created'));
    // run: init execs while the runtime writes state.json, which is there before any
    // cleanup, and init waited for nothing after it was ready.
    expect(at(steps, 'created')).toBeGreaterThan(clone(steps));
    expect(at(steps, 'created')).toBeLessThan(at(steps, 'cgroup.rmdir'));
    expect(at(steps, 'wait_start')).toBe(-1);
  });

  test('init’s own steps carry its host pid; the runtime’s carry the runtime’s', () => {
    expect(initPid).toBeGreaterThan(0);
    expect(steps[at(steps, 'pivot_root')]?.pid).toBe(initPid);
    expect(steps[at(steps, 'execve')]?.pid).toBe(initPid);
    expect(steps[at(steps, 'clone')]?.pid).not.toBe(initPid);
    expect(steps.every((s) => s.ok || s.step === 'caps.ambient')).toBe(true);
  });
});

describe('--trace on a busy machine', () => {
  // init writes the clone line itself before its first step: the runtime, descheduled
  // right after clone, used to write it after init's unshare and hostname (11 runs in 100
  // with two busy loops on this 2-core machine; the CI's load did it too).
  test('the clone line comes before init’s first step in every run', () => {
    const busy = [0, 1].map(() => spawn('sh', ['-c', 'while :; do :; done']));
    const late: number[] = [];
    try {
      for (let i = 0; i < 30; i++) {
        const b = lab.bundle(defaultConfig(['true'], lab.cgroupsPath(`busy-${i}`)));
        const file = join(lab.base, `busy-${i}.jsonl`);
        const r = lab.run(['run', '--bundle', b, `contlab-trace-busy-${process.pid}-${i}`], {
          global: ['--trace', file],
        });
        expect(r.code).toBe(0);
        const steps = parse(file);
        if (clone(steps) < 0 || clone(steps) > at(steps, 'unshare')) late.push(i);
      }
    } finally {
      for (const p of busy) p.kill('SIGKILL');
    }
    expect(late).toEqual([]);
  });
});

describe('CONTLAB_TRACE_FD: an inherited descriptor', () => {
  test('gets the same kind of lines, and a failed step says why', () => {
    const b = lab.bundle(defaultConfig(['/no/such/program'], lab.cgroupsPath('tracefd')));
    const file = join(lab.base, 'trace-fd.jsonl');
    const fd = openSync(file, 'w');
    const r = spawnSync(
      RUNTIME,
      ['--root', lab.stateRoot(RUNTIME), 'run', '--bundle', b, `contlab-tracefd-${process.pid}`],
      {
        stdio: ['ignore', 'pipe', 'pipe', fd],
        env: { ...process.env, CONTLAB_TRACE_FD: '3' },
        encoding: 'utf8',
      },
    );
    closeSync(fd);
    expect(r.status).toBe(1);
    const steps = parse(file);
    expect(at(steps, 'clone')).toBeGreaterThanOrEqual(0);
    expect(at(steps, 'pivot_root')).toBeGreaterThan(at(steps, 'clone'));
    // Cleanup after the failure is traced too: the cgroup goes.
    expect(at(steps, 'cgroup.rmdir')).toBeGreaterThan(at(steps, 'pivot_root'));
    expect(at(steps, 'execve')).toBe(-1);
  });
});

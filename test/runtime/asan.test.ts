/**
 * The sanitizer build (`make -C native asan`: AddressSanitizer + UBSan) driven through a
 * container's whole life and through bad input: any memory error or undefined behaviour
 * aborts the runtime with a report on stderr, so each step must exit as the normal build
 * does and print no sanitizer report. (Leak checking is off: the runtime is a short-lived
 * process that leaves freeing to exit; the fuzz target checks the parser for leaks.)
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { RuntimeLab, cgroupDirs, defaultConfig, type Result } from '../helpers/bundle.js';

const ASAN = join(repoRoot, 'native', 'build', 'contlab-runtime-asan');
const env = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
};

let lab: RuntimeLab;
beforeAll(() => {
  const make = spawnSync('make', ['-s', '-C', join(repoRoot, 'native'), 'asan'], {
    encoding: 'utf8',
  });
  if (make.status !== 0) throw new Error(`make asan failed: ${make.stdout}${make.stderr}`);
  lab = new RuntimeLab('asan');
});
afterAll(() => {
  lab?.cleanup();
});

function run(args: string[], input = ''): Result {
  const r = lab.run(args, { runtime: ASAN, env, input });
  expect(r.stderr).not.toMatch(/AddressSanitizer|runtime error:|UndefinedBehaviorSanitizer/);
  return r;
}

describe('contlab-runtime built with ASan + UBSan', () => {
  test('run: stdio in and out, the exit code back', () => {
    const b = lab.bundle(
      defaultConfig(['sh', '-c', 'read x; echo "got $x"; exit 3'], lab.cgroupsPath('run')),
    );
    expect(run(['run', '--bundle', b, 'contlab-asan-run'], 'hi\n')).toMatchObject({
      code: 3,
      stdout: 'got hi\n',
    });
  });

  test('create, start, exec, ps, pause, resume, update, kill, delete', async () => {
    const id = 'contlab-asan-life';
    const cfg = defaultConfig(['sleep', '1000'], lab.cgroupsPath('life'));
    cfg.linux.resources = { ...cfg.linux.resources, memory: { limit: 64 << 20 } };
    const b = lab.bundle(cfg);
    const trace = join(lab.base, 'asan-trace.jsonl');
    expect(run(['--trace', trace, 'create', '--bundle', b, id]).code).toBe(0);
    expect(readFileSync(trace, 'utf8')).toContain('"step":"pivot_root"');
    expect(run(['start', id]).code).toBe(0);
    expect(run(['exec', id, 'sh', '-c', 'echo in; exit 4'])).toMatchObject({
      code: 4,
      stdout: 'in\n',
    });
    const proc = join(lab.base, 'asan-process.json');
    writeFileSync(proc, JSON.stringify(defaultConfig(['sleep', '999']).process));
    expect(run(['exec', '--detach', '--process', proc, id]).code).toBe(0);
    expect((JSON.parse(run(['ps', '--format', 'json', id]).stdout) as number[]).length).toBe(2);
    expect(run(['pause', id]).code).toBe(0);
    expect(JSON.parse(run(['state', id]).stdout).status).toBe('paused');
    expect(run(['resume', id]).code).toBe(0);
    expect(run(['update', '--resources', '-', id], '{"memory":{"limit":33554432}}').code).toBe(0);
    const mem = cgroupDirs(lab.cgroupsPath('life')).find((d) => d.includes('/memory/'));
    if (mem)
      expect(readFileSync(join(mem, 'memory.limit_in_bytes'), 'utf8').trim()).toBe('33554432');
    expect(run(['list', '--format', 'json']).stdout).toContain(id);
    expect(run(['kill', '--all', id, 'KILL']).code).toBe(0);
    for (let i = 0; i < 100 && JSON.parse(run(['state', id]).stdout).status !== 'stopped'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(run(['delete', id]).code).toBe(0);
    expect(cgroupDirs(lab.cgroupsPath('life'))).toEqual([]);
  });

  test('the spec’s corners: dropped memory fields, missing capabilities, no mount namespace, a program execve refuses', () => {
    const cfg = defaultConfig(['true'], lab.cgroupsPath('corners'));
    cfg.linux.resources = {
      ...cfg.linux.resources,
      memory: { limit: 64 << 20, kernel: 32 << 20, kernelTCP: 16 << 20, swappiness: 30 },
    };
    const all = ['CAP_KILL', 'CAP_NET_RAW'];
    cfg.process.capabilities = { bounding: all, effective: all, permitted: all };
    cfg.linux.rootfsPropagation = 'shared';
    const b = lab.bundle(cfg);
    // Without CAP_NET_RAW in the runtime's bounding set: warned about, skipped.
    const caps = spawnSync(
      'setpriv',
      [
        '--bounding-set',
        '-net_raw',
        ASAN,
        '--root',
        lab.stateRoot(ASAN),
        'run',
        '--bundle',
        b,
        'contlab-asan-caps',
      ],
      { encoding: 'utf8', env },
    );
    expect(caps.stderr).not.toMatch(/AddressSanitizer|runtime error:/);
    expect(caps.stderr).toContain('CAP_NET_RAW');
    expect(caps.status).toBe(0);
    // No mount namespace, in a throwaway one: mounts recorded, then removed.
    const nomnt = defaultConfig(['true'], lab.cgroupsPath('nomnt'));
    nomnt.linux.namespaces = nomnt.linux.namespaces.filter((n) => n.type !== 'mount');
    nomnt.mounts = nomnt.mounts.filter((m) => m.destination === '/proc');
    nomnt.linux.maskedPaths = [];
    nomnt.linux.readonlyPaths = [];
    nomnt.root.readonly = false;
    const R = `${ASAN} --root ${lab.stateRoot(ASAN)}`;
    const inNs = spawnSync(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `${R} run --bundle ${lab.bundle(nomnt)} contlab-asan-nomnt`,
      ],
      { encoding: 'utf8', env },
    );
    expect(inNs.stderr).not.toMatch(/AddressSanitizer|runtime error:/);
    expect(inNs.status).toBe(0);
    // Not an executable format: init gets as far as execve, then reports.
    writeFileSync(join(lab.rootfs, 'contlab-asan-bad'), 'no\n', { mode: 0o755 });
    const badexec = lab.bundle(defaultConfig(['/contlab-asan-bad'], lab.cgroupsPath('badexec')));
    expect(run(['run', '--bundle', badexec, 'contlab-asan-badexec'])).toMatchObject({
      code: 1,
      stderr: 'exec /contlab-asan-bad: Exec format error\n',
    });
    rmSync(join(lab.rootfs, 'contlab-asan-bad'));
  });

  test('bad input and unknown containers', () => {
    const bad = lab.rawBundle('{"ociVersion":"1.0.2","process":{"args":"sh"},"root":{"path":"r"}}');
    expect(run(['create', '--bundle', bad, 'contlab-asan-bad']).code).toBe(1);
    expect(run(['state', 'contlab-asan-nope']).stderr).toBe('container does not exist\n');
    expect(run(['kill', 'contlab-asan-nope', 'BOGUS']).code).toBe(1);
    expect(run(['--version']).code).toBe(0);
    expect(run(['spec', '--bundle', lab.bundle(null)]).code).toBe(0);
  });
});

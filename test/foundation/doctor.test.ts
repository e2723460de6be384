import { describe, expect, test } from '@jest/globals';
import { readFileSync, readlinkSync } from 'node:fs';
import { release } from 'node:os';
import { kernelCheck, isStaticElf } from '../../src/engine/doctor.js';
import { contlab } from '../helpers/cli.js';

interface JsonCheck {
  name: string;
  status: string;
  detail: string;
  remedy: string;
  required: boolean;
}

describe('contlab doctor', () => {
  const r = contlab(['doctor', '--json']);
  const report = JSON.parse(r.stdout) as { ok: boolean; checks: JsonCheck[] };
  const byName = new Map(report.checks.map((c) => [c.name, c]));

  test('--json lists every check with name, status, detail and remedy', () => {
    expect(report.checks.length).toBeGreaterThan(20);
    for (const c of report.checks) {
      expect(typeof c.name).toBe('string');
      expect(['ok', 'warn', 'fail']).toContain(c.status);
      expect(typeof c.detail).toBe('string');
      expect(typeof c.remedy).toBe('string');
      if (c.status !== 'ok') expect(c.remedy).not.toBe('');
    }
  });

  test('exit code follows the required checks (0 on a host set up by scripts/setup.sh)', () => {
    const failedRequired = report.checks.filter((c) => c.status === 'fail' && c.required);
    expect(failedRequired).toEqual([]);
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);
  });

  test('what it reports matches the host', () => {
    expect(byName.get('kernel')?.detail).toBe(`Linux ${release()}`);
    for (const ns of ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts']) {
      // The kernel's own answer: /proc/self/ns/<type> exists exactly when the type is supported.
      expect(readlinkSync(`/proc/self/ns/${ns}`)).toMatch(new RegExp(`^${ns}:\\[\\d+\\]$`));
      expect(byName.get(`namespace ${ns}`)?.status).toBe('ok');
    }
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    const v1 = / - cgroup /.test(mounts);
    const v2 = / - cgroup2 /.test(mounts);
    const expected = v1 && v2 ? 'hybrid' : v1 ? 'v1' : 'v2';
    expect(byName.get('cgroup mode')?.detail).toBe(`cgroup ${expected}`);
  });

  test('the kernel check grades versions', () => {
    expect(kernelCheck('6.1.0-18-amd64').status).toBe('ok');
    expect(kernelCheck('5.4.0').status).toBe('warn');
    expect(kernelCheck('3.10.0').status).toBe('fail');
  });

  test('static busybox is told apart from a dynamic binary', () => {
    expect(isStaticElf('/bin/busybox')).toBe(true);
    expect(isStaticElf(process.execPath)).toBe(false);
    expect(isStaticElf('/etc/passwd')).toBe(false);
  });
});

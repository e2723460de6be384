/**
 * What a check saw and expected, in the learner's language: results carry phrases (message
 * IDs and values) beside their English, the screen says the phrases in the chosen language
 * and --json keeps the English. Checks run against a fake system (no kernel needed).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { setLanguage } from '../../src/i18n/messages.js';
import { describeResult, failureReason } from '../../src/lessons/checks/describe.js';
import { evaluateCheck } from '../../src/lessons/checks/evaluate.js';
import type { CheckContext } from '../../src/lessons/checks/context.js';
import type { LabSystem } from '../../src/lessons/checks/system.js';
import { checkSchema, type CheckKey } from '../../src/lessons/checks/schema.js';
import type { Check, CheckResult } from '../../src/lessons/checks/types.js';
import type { CgroupStats, ProcessInfo } from '../../src/engine/observer/index.js';

afterEach(() => setLanguage('en'));

/** A host with no lab processes and one cgroup whose memory.max is 32 MiB. */
const system: LabSystem = {
  processesIn: () => Promise.resolve([] as ProcessInfo[]),
  hostNamespaces: () => Promise.resolve({} as ProcessInfo['namespaces']),
  cgroupStats: (path) =>
    Promise.resolve({
      memory: {
        max: { file: `/sys/fs/cgroup${path}/memory.max`, value: 32 * 1024 * 1024 },
        oomKills: { file: `/sys/fs/cgroup${path}/memory.events`, value: 0 },
      },
    } as unknown as CgroupStats),
  readFile: () => Promise.resolve(undefined),
  mounts: () => Promise.resolve(undefined),
  exists: () => Promise.resolve(false),
  readLink: () => Promise.resolve(undefined),
  runShell: () => Promise.resolve({ code: 3, stdout: 'nope', stderr: '' } as never),
};

const ctx: CheckContext = {
  system: () => system,
  cgroupBase: '/contlab/session-1-2',
  labScope: '/contlab/session-1-2',
  baseline: new Map(),
  env: {},
};

function check(key: CheckKey, data: Record<string, unknown>): Check {
  return { ...checkSchema(key).parse({ [key]: data[key], ...data }), pos: { line: 7, col: 1 } };
}

const checks: Check[] = [
  check('process', { process: 'sleep 3930', namespaces: ['uts', 'net'] }),
  check('cgroup-limit', { 'cgroup-limit': 'memory', cgroup: 'box', equals: '64M' }),
  check('oom-kills', { 'oom-kills': 'box', 'at-least': 1 }),
  check('file', { file: '/etc/contlab-test', contains: 'hello' }),
  check('command', { command: 'grep -q x /etc/hostname', exit: 0 }),
];

async function results(): Promise<CheckResult[]> {
  return Promise.all(checks.map((c) => evaluateCheck(c, ctx)));
}

describe('a check result', () => {
  test('keeps its English in saw and expected, whatever the language', async () => {
    setLanguage('zh');
    const [process, limit, oom, file, command] = await results();
    expect(process).toMatchObject({
      ok: false,
      saw: 'no such process in the lab',
      expected: 'a process matching /sleep 3930/ in the lab in its own uts, net namespace',
    });
    expect(limit?.expected).toBe('memory limit of cgroup box = 64 MiB (67108864)');
    expect(limit?.saw).toBe(
      '/sys/fs/cgroup/contlab/session-1-2/box/memory.max = 32 MiB (33554432)',
    );
    expect(oom?.expected).toBe('oom_kill count of cgroup box above 0 and at least 1');
    expect(file?.expected).toBe('/etc/contlab-test exists and contains /hello/');
    expect(command?.saw).toBe('exit 3, output "nope"');
  });

  test('is said in Chinese, without the English words', async () => {
    setLanguage('zh');
    const lines = (await results()).map((r) => describeResult(r));
    const text = lines.join('\n');
    expect(lines[0]).toContain('实验环境中没有这样的进程');
    expect(lines[0]).toContain('命名空间');
    expect(lines[1]).toContain('控制组 box 的 memory 限制 = 64 MiB (67108864)');
    expect(text).toContain('退出码 3');
    expect(text).not.toMatch(/expected|saw|no such process|in the lab|exists|cgroup box/);
  });

  test('is said in Russian and Indonesian', async () => {
    setLanguage('ru');
    const ru = (await results()).map((r) => describeResult(r)).join('\n');
    expect(ru).toContain('в лаборатории нет такого процесса');
    expect(ru).toContain('пространстве имён uts, net');
    expect(ru).not.toMatch(/expected|no such process/);
    setLanguage('id');
    const id = failureReason({ ok: false, results: await results() });
    expect(id).toContain('tidak ada proses seperti itu di lab');
    expect(id).toContain('ruang nama');
    expect(id).not.toMatch(/no such process|expected/);
  });

  test('made without phrases (an older peer) is shown in its English', async () => {
    setLanguage('zh');
    const [first] = await results();
    const bare: CheckResult = { check: first!.check, ok: false, saw: 'old saw', expected: 'old' };
    expect(describeResult(bare)).toContain('old saw');
  });
});

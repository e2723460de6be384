/**
 * `contlab verify` through the real CLI on the real kernel: both sample lessons pass with
 * --auto (every checkpoint fails before its step, rejects its wrong attempts, and passes after), a checkpoint that passes
 * before its step and one that never passes are refused, --step works, and every run leaves
 * nothing behind (journal, session directory, cgroups, processes).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { contlab, hasStackTrace, type CliResult } from '../helpers/cli.js';
import { labCgroupDirs, pidsMentioning } from '../helpers/daemons.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from './helpers/build.js';
import { copySamples } from './helpers/samples.js';
import { expectCleanFailures } from './helpers/cli-async.js';

const FIXTURES = join(repoRoot, 'test', 'lessons', 'fixtures', 'verify');

interface Report {
  lesson: string;
  ok: boolean;
  session?: string;
  steps: {
    number: number;
    ok: boolean;
    problem?: string;
    before?: { ok: boolean };
    after?: { ok: boolean; results: { ok: boolean; saw: string; expected: string }[] };
  }[];
}

let lab: TempLab;
beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
  lab.env.CONTLAB_LESSONS = copySamples(join(lab.home, '..'));
});
afterAll(() => lab.remove());

function verifyJson(args: string[]): { r: CliResult; report: Report } {
  const r = contlab(['verify', ...args, '--json'], lab.env, 120_000);
  expect(hasStackTrace(r.stderr)).toBe(false);
  return { r, report: JSON.parse(r.stdout) as Report };
}

/** The run removed its whole lab: journal, session directory, cgroups. */
function expectNothingLeft(report: Report): void {
  expect(report.session).toMatch(/^session-\d+-\d+$/);
  const session = report.session as string;
  expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
  expect(existsSync(join(lab.home, 'sessions', session))).toBe(false);
  expect(labCgroupDirs(session)).toEqual([]);
}

describe('contlab verify --auto', () => {
  it('sample-namespaces: every checkpoint fails before its step and passes after', () => {
    const { r, report } = verifyJson(['sample-namespaces', '--auto']);
    expect(r.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const s of report.steps.filter((x) => x.after !== undefined)) {
      expect(s.before?.ok).toBe(false);
      expect(s.after?.ok).toBe(true);
    }
    expectNothingLeft(report);
    for (const n of ['sleep 3600', 'sleep 3601', 'sleep 3602', 'sleep 3603'])
      expect(pidsMentioning(n)).toEqual([]);
  });

  it('sample-cgroups (text output): the OOM kill and the limits, on this host cgroup version', () => {
    const r = contlab(['verify', '91-sample-cgroups', '--auto'], lab.env, 120_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /✓ step 1 A group with a limit: fails before, rejects 1 wrong attempt, passes after/,
    );
    expect(r.stdout).toMatch(
      /✓ step 2 Meet the OOM killer: fails before, rejects 1 wrong attempt, passes after/,
    );
    expect(r.stdout).toMatch(/✓ sample-cgroups: 3 of 3 steps verified/);
    expect(r.stdout).toMatch(/\n {6}✓ rejects ".+": /);
    expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
  });

  it('speaks the language asked for (--lang ru): step lines and summary in Russian', () => {
    const r = contlab(
      ['--lang', 'ru', 'verify', 'sample-cgroups', '--auto', '--step', '1'],
      lab.env,
      120_000,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /✓ шаг 1 .+: до шага не проходит, отвергает 1 неверную попытку, после шага проходит \(\d+\.\d с\)\n/,
    );
    expect(r.stdout).toMatch(/\n {6}✓ отвергает «.+»: /);
    expect(r.stdout).toMatch(
      /✓ sample-cgroups: проверено 1 из 1 шага на cgroup (v1 \(гибридный режим\)|v1|v2) \(\d+\.\d с\)\n$/,
    );
    expect(r.stdout).not.toMatch(/fails before|rejects|verified on| s\)/);
    expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
  });

  it('--step verifies one step after playing the ones before it', () => {
    const { r, report } = verifyJson(['sample-cgroups', '--auto', '--step', '2']);
    expect(r.code).toBe(0);
    expect(report.steps.map((s) => s.number)).toEqual([2]);
    expectNothingLeft(report);
  });

  it('a lesson that asks for the lab containerd gets its own, with the lab image', () => {
    const { r, report } = verifyJson([join(FIXTURES, 'lab-containerd.md'), '--auto']);
    expect(r.code).toBe(0);
    expect(report.steps[0]).toMatchObject({ ok: true, before: { ok: false }, after: { ok: true } });
    expectNothingLeft(report);
    // the lab containerd (its socket is under the session's run directory) is gone too
    expect(pidsMentioning(report.session as string)).toEqual([]);
  });

  it("types into the shell behind runc run's terminal, and waits for a runc run without one", () => {
    const { r, report } = verifyJson([join(FIXTURES, 'runc-terminal.md'), '--auto']);
    expect(report.steps[0]?.problem).toBeUndefined();
    expect(r.code).toBe(0);
    expect(report.steps[0]).toMatchObject({ ok: true, before: { ok: false }, after: { ok: true } });
    expectNothingLeft(report);
  });

  it('refuses a checkpoint that already passes before its step', () => {
    const { r, report } = verifyJson([join(FIXTURES, 'vacuous.md'), '--auto']);
    expect(r.code).toBe(1);
    expect(report.steps[0]?.problem).toMatch(/passes before the step's commands ran/);
    expectNothingLeft(report);
  });

  it('fails a step whose commands do not reach the state, saying what it saw', () => {
    const { r, report } = verifyJson([join(FIXTURES, 'never-passes.md'), '--auto']);
    expect(r.code).toBe(1);
    const step = report.steps[0];
    expect(step?.problem).toMatch(/fails after the step's commands/);
    expect(step?.after?.results[0]?.saw).toMatch(/sleep 3611\) shares the host's uts namespace/);
    expect(step?.after?.results[0]?.expected).toMatch(/in its own uts namespace/);
    expectNothingLeft(report);
    expect(pidsMentioning('sleep 3611')).toEqual([]);
  });
});

describe('contlab verify: bad input and the learner state', () => {
  it('bad input: one clear message each, exit 1, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['verify'], /which lesson\?/],
      [['verify', 'no-such-lesson', '--auto'], /no lesson "no-such-lesson"/],
      [
        ['verify', 'sample-cgroups', '--auto', '--step', '7'],
        /--step 7: expected a step number from 1 to 3/,
      ],
      [['verify', '--all'], /--all needs --auto/],
      [
        [
          'verify',
          join(repoRoot, 'test', 'lessons', 'fixtures', 'broken', 'unknown-check-type.md'),
        ],
        /unknown-check-type\.md:29:11 checkpoint: unknown check type "proces"/,
      ],
      [['verify', 'sample-cgroups'], /no lab of lesson sample-cgroups is running/],
    ];
    await expectCleanFailures(cases, lab.env);
    expect(
      existsSync(join(lab.home, 'sessions')) ? readdirSync(join(lab.home, 'sessions')) : [],
    ).toEqual([]);
  });
});

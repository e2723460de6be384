/**
 * The third proof of `verify --auto`: a checkpoint must reject the step's wrong attempts.
 * Lesson 01's "escaped" checkpoint made trivial on purpose (any sleep 3701 with root /, as the
 * first edition had it) is caught by the wrong attempt "a sleep started in the host's own
 * shell", with the text the learner would see; the real checkpoint rejects it and passes; a
 * checkpoint that passes anyway (`script: 'true'`) is caught before any attempt is typed.
 * Every run leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { contlab, hasStackTrace, type CliResult } from '../helpers/cli.js';
import { labCgroupDirs, pidsMentioning } from '../helpers/daemons.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from './helpers/build.js';

interface Report {
  ok: boolean;
  session?: string;
  steps: {
    number: number;
    ok: boolean;
    problem?: string;
    wrong?: { title: string; rejected: boolean; result?: { results: { ok: boolean }[] } }[];
  }[];
}

const REAL = readFileSync(join(repoRoot, 'lessons-content', '01-chroot', 'lesson.md'), 'utf8');
const ESCAPED = /- name: escaped\n[\s\S]*?\n```\n/;

let lab: TempLab;
beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
});
afterAll(() => lab.remove());

/** Lesson 01 with its step-3 checkpoint replaced, in a lessons folder of its own. */
function lessonWith(name: string, checkpoint: string): NodeJS.ProcessEnv {
  const dir = join(lab.home, '..', name);
  mkdirSync(join(dir, '01-chroot'), { recursive: true });
  // A function, not a string: the checkpoint holds `$'`, a special pattern in replace().
  const text = REAL.replace(ESCAPED, () => `${checkpoint}\n\`\`\`\n`);
  expect(text).not.toBe(REAL);
  writeFileSync(join(dir, '01-chroot', 'lesson.md'), text);
  return { ...lab.env, CONTLAB_LESSONS: dir };
}

function verifyStep3(env: NodeJS.ProcessEnv): { r: CliResult; report: Report } {
  const r = contlab(['verify', 'chroot', '--step', '3', '--auto', '--json'], env, 180_000);
  expect(hasStackTrace(r.stderr)).toBe(false);
  const report = JSON.parse(r.stdout) as Report;
  // nothing left, whatever the outcome
  expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
  if (report.session !== undefined) expect(labCgroupDirs(report.session)).toEqual([]);
  expect(pidsMentioning('sleep 3701')).toEqual([]);
  return { r, report };
}

describe('wrong attempts in verify --auto', () => {
  it('a checkpoint made trivial on purpose is caught by a wrong attempt', () => {
    const weak = [
      '- name: escaped',
      "  process: '^sleep 3701$'",
      '  root: /',
      '  explain: start the sleep from the chroot',
    ].join('\n');
    const { r, report } = verifyStep3(lessonWith('weak', weak));
    expect(r.code).toBe(1);
    const step = report.steps.find((s) => s.number === 3);
    expect(step?.ok).toBe(false);
    expect(step?.problem).toMatch(
      /accepts the wrong attempt "a sleep started in the host's own shell, which never was in a chroot"/,
    );
    expect(step?.wrong?.[0]?.rejected).toBe(false);
    const text = contlab(['verify', 'chroot', '--step', '3', '--auto'], lessonWith('weak2', weak));
    expect(text.stdout).toMatch(/✗ accepts "a sleep started in the host's own shell/);
  }, 200_000);

  it('the real checkpoint rejects both wrong attempts, showing what the learner reads', () => {
    const { r, report } = verifyStep3({
      ...lab.env,
      CONTLAB_LESSONS: join(repoRoot, 'lessons-content'),
    });
    expect(r.code).toBe(0);
    const step = report.steps.find((s) => s.number === 3);
    expect(step?.ok).toBe(true);
    expect(step?.wrong?.map((w) => w.rejected)).toEqual([true, true]);
    for (const w of step?.wrong ?? []) expect(w.result?.results.some((x) => !x.ok)).toBe(true);
    const text = contlab(['verify', 'chroot', '--step', '3', '--auto'], {
      ...lab.env,
      CONTLAB_LESSONS: join(repoRoot, 'lessons-content'),
    });
    expect(text.stdout).toMatch(
      /✓ rejects "a sleep started inside the chroot, without the way out": from the chroot shell started with unshare --mount/,
    );
    expect(text.stdout).toMatch(/fails before, rejects 2 wrong attempts, passes after/);
  }, 200_000);

  it('a checkpoint that always passes is refused before any attempt', () => {
    const always = ['- name: escaped', "  script: 'true'", '  explain: nothing'].join('\n');
    const { r, report } = verifyStep3(lessonWith('always', always));
    expect(r.code).toBe(1);
    const step = report.steps.find((s) => s.number === 3);
    expect(step?.problem).toMatch(/passes before the step's commands ran/);
    expect(step?.wrong).toBeUndefined();
  }, 200_000);
});

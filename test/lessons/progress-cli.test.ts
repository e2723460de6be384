/**
 * `contlab progress` and `contlab reset` through the real CLI: export/import, a truncated or
 * garbled progress file (clear message, the backup's state, the damaged file kept), both
 * files damaged (clear error, then reset starts over), and resets of a lesson and a step.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { contlab, hasStackTrace, type CliResult } from '../helpers/cli.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from './helpers/build.js';
import { copySamples } from './helpers/samples.js';
import { expectCleanFailures } from './helpers/cli-async.js';

interface Shown {
  file: string;
  lessons: { id: string; done: number; total: number; resume: { number: number } }[];
  progress: {
    lessons: Record<string, { currentStep?: string; steps: Record<string, unknown> }>;
  };
}

let lab: TempLab;
let file: string;
beforeAll(() => ensureBuilt());
beforeEach(() => {
  lab = makeTempLab();
  lab.env.CONTLAB_LESSONS = copySamples(join(lab.home, '..'));
  file = join(lab.home, 'progress.json');
});
afterEach(() => lab.remove());

const run = (args: string[]): CliResult => contlab(args, lab.env);

/** An export file (what `contlab progress --export` writes) with these steps done. */
function exportFile(name: string, done: string[], current: string): string {
  const at = '2026-01-01T10:00:00.000Z';
  const steps = Object.fromEntries(
    done.map((id) => [id, { completedAt: at, checkpointPassedAt: at, hintsShown: 1, quiz: {} }]),
  );
  const doc = {
    format: 'contlab-progress',
    exportedAt: at,
    progress: {
      version: 1,
      lessons: {
        'sample-namespaces': { currentStep: current, startedAt: at, updatedAt: at, steps },
      },
    },
  };
  const path = join(lab.home, '..', `${name}.json`);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

function shown(r: CliResult): Shown {
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Shown;
}

const doneIn = (s: Shown): string[] =>
  Object.keys(s.progress.lessons['sample-namespaces']?.steps ?? {}).sort();

/** Two versions: the file holds [hostname, pid-one], its backup [hostname]. */
function twoVersions(): void {
  const progressOf = (path: string): string =>
    JSON.stringify((JSON.parse(readFileSync(path, 'utf8')) as { progress: unknown }).progress);
  mkdirSync(lab.home, { recursive: true });
  writeFileSync(`${file}.bak`, progressOf(exportFile('v1', ['hostname'], 'pid-one')));
  writeFileSync(file, progressOf(exportFile('v2', ['hostname', 'pid-one'], 'drop-cap')));
}

describe('contlab progress', () => {
  it('starts empty, shows every lesson and where to continue', () => {
    const r = run(['progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sample-namespaces\s+0\/6 steps\s+not started/);
    twoVersions();
    const text = run(['progress']);
    expect(text.stdout).toMatch(
      /sample-namespaces\s+2\/6 steps\s+continue at step 3: Fewer capabilities/,
    );
    // In Russian: the words, and the step titles of the Russian edition.
    const ru = run(['--lang', 'ru', 'progress']);
    expect(ru.stdout).toContain(`файл прогресса: ${file}\n`);
    expect(ru.stdout).toMatch(
      /sample-namespaces\s+шагов: 2\/6\s+продолжить с шага 3: [^\n]*[а-яё]/,
    );
    expect(ru.stdout).toMatch(/sample-cgroups\s+шагов: 0\/3\s+не начат/);
    const json = shown(run(['progress', '--json']));
    expect(json.file).toBe(file);
    expect(shown(run(['--lang', 'ru', 'progress', '--json']))).toEqual(json);
    expect(json.lessons.find((l) => l.id === 'sample-namespaces')).toMatchObject({
      done: 2,
      total: 6,
      resume: { number: 3 },
    });
  });

  it('import keeps the previous version as the backup', () => {
    expect(run(['progress', '--import', exportFile('v1', ['hostname'], 'pid-one')]).code).toBe(0);
    const second = exportFile('v2', ['hostname', 'pid-one'], 'drop-cap');
    expect(run(['progress', '--import', second]).code).toBe(0);
    expect(doneIn(shown(run(['progress', '--json'])))).toEqual(['hostname', 'pid-one']);
    expect(
      Object.keys(
        JSON.parse(readFileSync(`${file}.bak`, 'utf8')).lessons['sample-namespaces'].steps,
      ),
    ).toEqual(['hostname']);
  });

  it('export and import carry progress to another lab home (another machine)', () => {
    twoVersions();
    const out = join(lab.home, '..', 'exported.json');
    expect(run(['progress', '--export', out]).code).toBe(0);
    const other = makeTempLab();
    other.env.CONTLAB_LESSONS = lab.env.CONTLAB_LESSONS;
    try {
      expect(contlab(['progress', '--import', out], other.env).code).toBe(0);
      const there = shown(contlab(['progress', '--json'], other.env));
      expect(doneIn(there)).toEqual(['hostname', 'pid-one']);
    } finally {
      other.remove();
    }
  });

  it('refuses to import a file that is not an export, and changes nothing', () => {
    twoVersions();
    const bad = join(lab.home, '..', 'bad.json');
    writeFileSync(bad, '{"format": "something else"}');
    const r = run(['progress', '--import', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot import .*bad\.json: it is not a contlab progress export/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(doneIn(shown(run(['progress', '--json'])))).toEqual(['hostname', 'pid-one']);
  });

  it.each([
    ['truncated', (): void => truncateSync(file, 40), /not valid JSON/],
    [
      'garbled',
      (): void => writeFileSync(file, Buffer.from([0x7b, 0xff, 0x00, 0x13, 0x37])),
      /not valid JSON/,
    ],
    [
      'valid JSON of the wrong shape',
      (): void => writeFileSync(file, '{"version": 7}'),
      /unexpected content/,
    ],
  ])('a %s file: clear message, the backup state, the damaged file kept', (_what, damage, why) => {
    twoVersions();
    damage();
    const r = run(['progress', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`progress file ${file} is damaged`));
    expect(r.stderr).toMatch(why);
    expect(r.stderr).toMatch(/restored the previous version from .*progress\.json\.bak/);
    expect(r.stderr).toMatch(/the damaged file is kept as .*progress\.json\.damaged-/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    // The backup's state: v1 (only the first step), never an empty reset.
    expect(doneIn(JSON.parse(r.stdout) as Shown)).toEqual(['hostname']);
    expect(readdirSync(lab.home).some((f) => f.startsWith('progress.json.damaged-'))).toBe(true);
    // The restored file is now whole: the next read says nothing.
    const again = run(['progress', '--json']);
    expect(again.stderr).not.toMatch(/damaged/);
    expect(doneIn(shown(again))).toEqual(['hostname']);
  });

  it('both the file and its backup damaged: a clear error, then reset starts over', () => {
    twoVersions();
    writeFileSync(file, 'garbage');
    writeFileSync(`${file}.bak`, '{"version": 1, "lessons": ');
    const r = run(['progress']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/progress file .* is damaged .* and its backup is damaged too/);
    expect(r.stderr).toMatch(/remedy: run contlab reset/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const reset = run(['reset']);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toMatch(/started a new progress file/);
    expect(shown(run(['progress', '--json'])).progress.lessons).toEqual({});
    expect(readdirSync(lab.home).some((f) => f.startsWith('progress.json.damaged-'))).toBe(true);
  });
});

describe('contlab reset', () => {
  it('resets one step: its progress goes, the others stay, and it becomes current', () => {
    twoVersions();
    const r = run(['reset', 'sample-namespaces', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reset progress of step 2 \(PID 1 again\) of sample-namespaces/);
    const after = shown(run(['progress', '--json']));
    expect(doneIn(after)).toEqual(['hostname']);
    expect(after.progress.lessons['sample-namespaces']?.currentStep).toBe('pid-one');
  });

  it('resets a lesson by id or folder, and a step by id', () => {
    twoVersions();
    expect(run(['reset', '90-sample-namespaces', 'hostname']).code).toBe(0);
    expect(doneIn(shown(run(['progress', '--json'])))).toEqual(['pid-one']);
    const ru = run(['--lang', 'ru', 'reset', 'sample-namespaces']);
    expect(ru.code).toBe(0);
    expect(ru.stdout).toMatch(/✓ прогресс урока sample-namespaces сброшен\n/);
    expect(shown(run(['progress', '--json'])).progress.lessons).toEqual({});
    // the previous version is kept as the backup
    expect(existsSync(`${file}.bak`)).toBe(true);
    expect(readFileSync(`${file}.bak`, 'utf8')).toMatch(/pid-one/);
  });

  it('bad input: one clear message each, exit 1, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['reset', 'no-such-lesson'], /no lesson "no-such-lesson"/],
      [['reset', 'sample-namespaces', '9'], /has no step "9"/],
      [
        ['reset', 'sample-namespaces', 'nope'],
        /remedy: give a step number from 1 to 6 or a step id/,
      ],
    ];
    await expectCleanFailures(cases, lab.env);
  });
});

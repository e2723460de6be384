/**
 * `contlab lint` on broken lessons: every fixture in fixtures/broken has exactly one thing
 * wrong; the real CLI must name the file and the line of it, exit non-zero, and never show
 * a stack trace. The valid fixture and the sample lessons lint clean.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { ensureBuilt } from './helpers/build.js';
import { copySamples } from './helpers/samples.js';
import { contlab, hasStackTrace, type CliResult } from '../helpers/cli.js';
import { contlabAsync, inBatches } from './helpers/cli-async.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';

const BROKEN = join(repoRoot, 'test', 'lessons', 'fixtures', 'broken');

/** fixture → the line the problem is on, and what the message must say. */
const EXPECTED: [string, number, RegExp][] = [
  ['bad-block-mode', 23, /mode="v3": a block's mode is v1 or v2/],
  ['bad-inline-mode', 21, /cannot read this cgroup-version text/],
  ['check-without-explain', 28, /own-uts check: add an explain/],
  ['checkpoint-without-wrong', 27, /no ```wrong block/],
  ['status-without-root', 28, /status.*give root/],
  ['variable-from-earlier-step', 24, /\$DURATION is not set in this step/],
  ['wrong-without-run', 35, /wrong: missing field "run"/],
  ['bad-cgroup-version', 8, /requirements\.cgroup.*"v1"\|"v2"/],
  ['bad-size', 30, /cgroup-limit.*equals.*size like 64M/],
  ['bad-step-meta', 19, /step: timeout/],
  ['bad-yaml-checkpoint', 30, /invalid YAML/],
  ['bad-yaml-front-matter', 3, /invalid YAML: Missing closing 'quote/],
  ['checkpoint-not-a-list', 28, /expected a YAML list of checks/],
  ['checkpoint-wrong-type', 29, /command.*exit.*expected number/],
  ['concept-not-taught', 9, /concept "ns\.pid" is listed but no step teaches it/],
  ['duplicate-check-name', 30, /duplicate check name "own-uts"/],
  ['duplicate-step-id', 37, /duplicate step id "uts"/],
  ['empty-checkpoint-block', 27, /empty ```checkpoint block/],
  ['empty-checkpoint-list', 28, /checkpoint: empty/],
  ['hint-bad-condition', 33, /cannot read when="own-uts is broken"/],
  ['hint-unknown-check', 33, /names "renamed".*no check with that name/],
  ['invalid-regex', 28, /not a valid regular expression/],
  ['lab-block-before-step', 14, /```setup block before the first step/],
  ['missing-checkpoint-field', 28, /capability.*missing field "has"/],
  ['missing-front-matter', 1, /missing front matter/],
  ['missing-title', 2, /missing field "title"/],
  ['mistyped-block', 33, /unknown block type "chekpoint": did you mean "checkpoint"/],
  ['nested-lab-block', 25, /inside a list or quote/],
  ['no-steps', 1, /no steps/],
  ['quiz-answer-out-of-range', 40, /quiz: answer/],
  ['quiz-one-choice', 36, /at least two choices/],
  ['step-heading-typo', 14, /write a step heading as "## Step: title"/],
  ['step-without-checkpoint', 14, /no ```checkpoint block/],
  ['tool-not-required', 25, /"ip" is not in the lesson's requirements/],
  ['two-check-types', 28, /cannot be both "file" and "command"/],
  ['two-checkpoints', 33, /one ```checkpoint block/],
  ['unclosed-front-matter', 1, /front matter is never closed/],
  ['unknown-capability', 28, /unknown capability "CAP_FLY"/],
  ['unknown-check-type', 29, /unknown check type "proces" \(did you mean "process"\?\)/],
  ['unknown-concept', 9, /unknown concept ID "ns\.bogus"/],
  ['unknown-front-field', 6, /unknown field "author"/],
  ['unknown-namespace', 29, /namespaces\.1.*"uts"/],
  ['unterminated-fence', 33, /code fence is never closed/],
  ['wrong-type-minutes', 5, /minutes.*expected number/],
];

let lab: TempLab;
beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
});
afterAll(() => lab.remove());

describe('contlab lint on broken lessons', () => {
  it('has a table entry for every fixture, and at least 20 of them', () => {
    const files = readdirSync(BROKEN)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.replace(/\.md$/, ''))
      .sort();
    expect(files).toEqual(EXPECTED.map(([name]) => name).sort());
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it('each fixture alone: its file:line error, exit 1, no stack trace', async () => {
    // One real CLI run per fixture (each must fail on its own), four at a time.
    const runs = await inBatches(
      EXPECTED.map(
        ([name]) =>
          () =>
            contlabAsync(['lint', join(BROKEN, `${name}.md`)], lab.env),
      ),
    );
    EXPECTED.forEach(([name, line, message], i) => {
      const r = runs[i] as CliResult;
      const out = r.stdout + r.stderr;
      const first = out.split('\n')[0] ?? '';
      // file:line:col message, the file as the author would open it
      const m = /^(.+):(\d+):(\d+) (.+)$/.exec(first);
      const seen = {
        name,
        code: r.code,
        stack: hasStackTrace(out),
        file: m?.[1],
        line: Number(m?.[2]),
      };
      expect(seen).toEqual({
        name,
        code: 1,
        stack: false,
        file: expect.stringMatching(new RegExp(`broken/${name}\\.md$`)),
        line,
      });
      expect({ name, message: m?.[4] }).toEqual({ name, message: expect.stringMatching(message) });
    });
  });

  it('reports every broken file in one run, sorted by file and line, with a count', () => {
    const r = contlab(['lint', BROKEN], lab.env);
    expect(r.code).toBe(1);
    const files = new Set(
      r.stderr
        .split('\n')
        .filter((l) => /:\d+:\d+ /.test(l))
        .map((l) => l.split(':')[0]),
    );
    expect(files.size).toBe(EXPECTED.length);
    expect(r.stderr).toMatch(
      new RegExp(`in ${EXPECTED.length} of ${EXPECTED.length} lesson files`),
    );
  });

  it('--json lists the problems with file, line, col and message', () => {
    const r = contlab(['lint', '--json', join(BROKEN, 'unknown-concept.md')], lab.env);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; problems: Record<string, unknown>[] };
    expect(doc.ok).toBe(false);
    expect(doc.problems[0]).toMatchObject({ line: 9, col: 20 });
  });
});

describe('contlab lint on good lessons and bad paths', () => {
  it('passes the valid fixture and both sample lessons', () => {
    const r = contlab(
      [
        'lint',
        join(repoRoot, 'test', 'lessons', 'fixtures', 'valid', 'minimal.md'),
        join(repoRoot, 'lessons-content', '90-sample-namespaces'),
        join(repoRoot, 'lessons-content', '91-sample-cgroups', 'lesson.md'),
      ],
      lab.env,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/3 lessons, no problems/);
    expect(r.code).toBe(0);
  });

  it('with no paths, lints every lesson in the lessons folder', () => {
    const env = { ...lab.env, CONTLAB_LESSONS: copySamples(join(lab.home, '..')) };
    const r = contlab(['lint'], env);
    expect(r.stdout).toMatch(/2 lessons, no problems/);
    expect(r.code).toBe(0);
  });

  it('a path that does not exist is one clear message, exit 1', () => {
    const r = contlab(['lint', '/nonexistent/lesson.md'], lab.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/nonexistent\/lesson\.md: no such file or directory/);
    expect(r.stderr).toMatch(/remedy:/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('a folder without lessons is refused', () => {
    const r = contlab(['lint', join(lab.home, '..')], lab.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no lessons here/);
  });
});

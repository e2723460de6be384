/**
 * The stage marks bench/ui.mjs reports where the player's start-up time goes from: the real
 * `contlab start` in a pty with CONTLAB_STARTUP_MARKS set writes each stage once, in the
 * order the start-up takes them, all before its first frame is seen.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempLab } from '../helpers/lab-env.js';
import { endAll, startContlab } from './lab-check.js';

const lab = makeTempLab();
const dir = mkdtempSync('/tmp/contlab-marks-');
afterEach(endAll);
afterAll(() => {
  lab.remove();
  rmSync(dir, { recursive: true, force: true });
});

const env = { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run };

/** The marks `pid` wrote: [stage, ms from its start]. */
function marksOf(file: string, pid: number): [string, number][] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^(\d+) (.+) ([\d.]+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Number(m[1]) === pid)
    .map((m) => [m[2] ?? '', Number(m[3])]);
}

describe('start-up stage marks', () => {
  test('the player marks each stage once, in order, before its first frame', async () => {
    const file = join(dir, 'marks');
    const ui = startContlab(['start', 'sample-namespaces'], {
      cols: 120,
      rows: 36,
      env: { ...env, CONTLAB_STARTUP_MARKS: file },
    });
    await ui.waitForText(/lab:.*[$#] [\s\S]*processes/, 30_000);
    const marks = marksOf(file, ui.pid);
    ui.press('ctrlT');
    ui.press('q');
    expect((await ui.exited()).exitCode).toBe(0);

    const stages = marks.map(([stage]) => stage);
    // The shell's prompt and the screens' code come in either order: both are awaited.
    expect(stages.filter((s) => s !== 'screens loaded')).toEqual([
      'cli',
      'lesson',
      'lab session',
      'timeline',
      'shell started',
      'prompt',
      'first frame',
    ]);
    expect(stages).toContain('screens loaded');
  });
});

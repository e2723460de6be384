/**
 * Progress survives SIGKILL: a real node process writes the progress file in a loop through
 * the real store, and is killed with SIGKILL at a random instant, 50 times in a row. After
 * every kill the file is whole and is exactly the old or the new version of the write that
 * was under way; the backup is the version before. Then the real CLI reads it without
 * complaint.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { progressSchema } from '../../src/lessons/progress/schema.js';
import { contlab } from '../helpers/cli.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from './helpers/build.js';
import { copySamples } from './helpers/samples.js';

const WRITER = join(repoRoot, 'test', 'lessons', 'fixtures', 'progress-writer.mjs');
const ROUNDS = 50;

let lab: TempLab;
beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
  lab.env.CONTLAB_LESSONS = copySamples(join(lab.home, '..'));
});
afterAll(() => lab.remove());

/** The counter a progress file holds, after checking it is a whole, valid progress file. */
function versionOf(path: string): number {
  const doc = progressSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const k = doc.lessons.k;
  if (k === undefined) throw new Error(`${path} has no lesson k`);
  expect(k.steps['step-0']?.hintsShown).toBe(Number(k.currentStep));
  return Number(k.currentStep);
}

/** Starts the writer, lets it write for a random while, SIGKILLs it; the last write it began. */
async function killDuringWrites(file: string): Promise<number> {
  const child = spawn(process.execPath, [WRITER, join(repoRoot, 'dist'), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  // Wait for the first write to begin, then kill at a random instant among the next ones.
  while (!out.includes('W ') && child.exitCode === null) await sleep(5);
  await sleep(Math.floor(Math.random() * 60));
  child.kill('SIGKILL');
  await closed;
  expect(child.signalCode).toBe('SIGKILL');
  const announced = [...out.matchAll(/^W (\d+)$/gm)].map((m) => Number(m[1]));
  if (announced.length === 0) throw new Error(`the writer never wrote: ${err}`);
  return announced[announced.length - 1] as number;
}

function versionOfEmpty(path: string): Record<string, unknown> {
  return progressSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).lessons;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('progress file under SIGKILL', () => {
  it(`is always the old or the new version, ${ROUNDS} kills in a row`, async () => {
    const file = join(lab.home, 'progress.json');
    mkdirSync(lab.home, { recursive: true });
    let previous = 0;
    let midWrite = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const last = await killDuringWrites(file);
      if (!existsSync(file)) {
        // Killed before its very first write finished: nothing existed, nothing exists.
        expect(previous).toBe(0);
        continue;
      }
      const version = versionOf(file);
      // The write under way (last) either finished (new) or did not (old).
      expect([last - 1, last]).toContain(version);
      expect(version).toBeGreaterThanOrEqual(previous);
      if (version === last - 1) midWrite += 1;
      if (existsSync(`${file}.bak`))
        expect([version - 1, version]).toContain(versionOf(`${file}.bak`));
      previous = version;
    }
    // Most kills land inside a write (each takes tens of ms): the test really tests that.
    expect(midWrite).toBeGreaterThan(0);
    process.stdout.write(`${midWrite} of ${ROUNDS} kills landed in the middle of a write\n`);

    const r = contlab(['progress', '--json'], lab.env);
    expect(r.stderr).not.toMatch(/progress file/);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout) as { progress: { lessons: Record<string, unknown> } };
    expect(Object.keys(shown.progress.lessons)).toEqual(['k']);
    // The next write (here: a reset) removes the temporary files of killed writers.
    const reset = contlab(['reset'], lab.env);
    expect(reset.code).toBe(0);
    expect(readdirSync(lab.home).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(versionOfEmpty(file)).toEqual({});
  });
});

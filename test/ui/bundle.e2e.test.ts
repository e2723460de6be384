/**
 * The CLI as the set-up command ships it: bin/contlab running the esbuild bundle
 * (scripts/bundle.mjs, dist/bundle) with its code cache (bin/run-bundle.mjs). It builds the
 * bundle first, so that it is the newest build and bin/contlab runs it rather than tsc's
 * output.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { contlab } from '../helpers/cli.js';
import { useTempLab } from '../helpers/lab-env.js';
import { terminalRestored } from './harness.js';
import { endAll, startContlab } from './lab-check.js';

const lab = useTempLab();
afterEach(endAll);
afterAll(() => lab.remove());

beforeAll(() => {
  const r = spawnSync(process.execPath, ['scripts/bundle.mjs'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`bundle build failed:\n${r.stdout}${r.stderr}`);
});

describe('the bundled CLI', () => {
  test('bin/contlab runs it: --version, and a clear error for a bad command', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const version = contlab(['--version'], lab.env);
    expect({ stdout: version.stdout.trim(), stderr: version.stderr }).toEqual({
      stdout: pkg.version,
      stderr: '',
    });
    const bad = contlab(['no-such-command'], lab.env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown command/);
  });

  test('the home screen draws and quits with DEV=true in the environment (Ink’s devtools switch)', async () => {
    const ui = startContlab([], { env: { ...lab.env, DEV: 'true' }, cols: 100, rows: 30 });
    await ui.waitForText(/Enter start/);
    ui.press('q');
    const { exitCode } = await ui.exited();
    expect(exitCode).toBe(0);
    expect(terminalRestored(ui.raw()).ok).toBe(true);
  });
});

describe('the code cache (bin/run-bundle.mjs)', () => {
  const folder = join(repoRoot, 'dist', 'bundle', 'code-cache');
  const homeCaches = (): string[] =>
    readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.name.startsWith('contlab.cjs-home-') && e.name.endsWith('.bin'))
      .map((e) => join(folder, e.name));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** The home screen drawn, left for `ms`, then quit; its exit code. */
  async function homeFor(ms: number): Promise<number | undefined> {
    const ui = startContlab([], { env: lab.env, cols: 100, rows: 30 });
    await ui.waitForText(/Enter start/);
    await sleep(ms);
    ui.press('q');
    return (await ui.exited()).exitCode;
  }

  test('a run that lasts a second leaves one for its kind; the next run takes it as it is', async () => {
    for (const file of homeCaches()) rmSync(file);
    expect(contlab(['--version'], lab.env).code).toBe(0);
    expect(homeCaches()).toEqual([]); // a quick command makes none
    expect(await homeFor(1500)).toBe(0);
    const [cache] = homeCaches();
    expect(cache).toBeDefined();
    const made = statSync(cache as string);
    expect(made.size).toBeGreaterThan(100_000);
    // Taken: a cache V8 rejected would be written again a second into the run.
    expect(await homeFor(1500)).toBe(0);
    expect(homeCaches()).toEqual([cache]);
    expect(statSync(cache as string).mtimeMs).toBe(made.mtimeMs);
  });

  test('a damaged cache is refused: contlab starts as well and writes a good one', async () => {
    if (homeCaches().length === 0) await homeFor(1500);
    const [cache] = homeCaches();
    writeFileSync(cache as string, Buffer.alloc(4096, 7));
    expect(await homeFor(1500)).toBe(0);
    const again = readFileSync(cache as string);
    expect(again.length).toBeGreaterThan(100_000);
    expect(again.equals(Buffer.alloc(again.length, 7))).toBe(false);
  });
});

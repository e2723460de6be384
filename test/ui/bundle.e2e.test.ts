/**
 * The CLI as the set-up command ships it: bin/contlab running the esbuild bundle
 * (scripts/bundle.mjs, dist/bundle). It builds the bundle first, so that it is the newest
 * build and bin/contlab runs it rather than tsc's output.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
    expect(contlab(['--version'], lab.env).stdout.trim()).toBe(pkg.version);
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

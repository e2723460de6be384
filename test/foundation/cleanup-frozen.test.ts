/**
 * A killed lab whose process sits frozen (what `pause` does): on cgroup v1 the freezer is
 * a hierarchy of its own, so removing the memory or pids cgroup only works once cleanup
 * has thawed the freezer cgroup the process is frozen in.
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { contlab } from '../helpers/cli.js';
import { processExists } from '../helpers/host.js';
import { makeTempLab } from '../helpers/lab-env.js';

const lab = makeTempLab();
afterAll(() => {
  contlab(['cleanup'], lab.env);
  lab.remove();
});

test('cleanup removes the cgroups of a frozen process left by a killed lab', async () => {
  const child = spawn(process.execPath, [join(process.cwd(), 'test/fixtures/frozen-session.mjs')], {
    env: lab.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
  });
  const made = JSON.parse(line) as { cgroups: string[]; pid: number; frozen: boolean };
  expect(made.frozen).toBe(true);
  // The process really is frozen: a stopped task in the refrigerator, not just a flag.
  const freezer = made.cgroups.find((d) => existsSync(join(d, 'freezer.state')));
  if (freezer !== undefined) {
    expect(readFileSync(join(freezer, 'freezer.state'), 'utf8').trim()).toMatch(/FROZEN|FREEZING/);
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;

  const r = contlab(['cleanup'], lab.env);
  expect(r.code).toBe(0);
  expect(made.cgroups.filter((d) => existsSync(d))).toEqual([]);
  expect(processExists(made.pid)).toBe(false);
});

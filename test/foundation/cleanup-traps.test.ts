/**
 * Cleanup after a killed lab hangs processes up before it kills them, so their exit traps
 * run. A learner's ~/.bashrc may run `pyenv rehash`, which holds a lock file in their home
 * until its EXIT trap removes it; killed outright, it leaves the lock, and every terminal
 * they open afterwards waits 60 s for it. Here the lab and its supervisor are SIGKILLed
 * while such a script runs in the lab, then `contlab cleanup` ends it: the lock must be gone.
 */
import { afterAll, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { identityOf } from '../../src/engine/procfs.js';
import { contlab } from '../helpers/cli.js';
import { processExists } from '../helpers/host.js';
import { sigkill, startReadyScript } from '../helpers/daemons.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { killSupervisor, supervisorOf } from '../helpers/supervisor.js';

const lab = makeTempLab();
let fixture: ChildProcess | undefined;

afterAll(() => {
  if (fixture?.exitCode === null) fixture.kill('SIGKILL');
  contlab(['cleanup'], lab.env);
  lab.remove();
});

test('contlab cleanup lets a script in the lab run its exit trap: no lock is left in the home', async () => {
  const lock = join(lab.home, '..', '.pyenv-shim');
  const { child, ready: made } = await startReadyScript<{ sessionId: string; shellPid: number }>(
    join(process.cwd(), 'test/fixtures/lock-in-lab.mjs'),
    lab.env,
    { args: [lock] },
  );
  fixture = child;
  const supervisor = supervisorOf(lab.home, made.sessionId);
  expect(supervisor).toBeDefined();
  await killSupervisor(supervisor!);
  await sigkill(child);
  // Nobody has touched the script yet: the lock is still held.
  expect(existsSync(lock)).toBe(true);
  expect(identityOf(made.shellPid)).toBeDefined();

  const r = contlab(['cleanup'], lab.env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(processExists(made.shellPid)).toBe(false);
  expect(existsSync(lock)).toBe(false);
});

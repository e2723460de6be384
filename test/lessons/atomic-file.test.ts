/**
 * writeFileAtomic's clean-up of killed writers' temporary files, with real processes: a temp
 * whose PID now belongs to a process that started after it was written is a reused PID
 * (PIDs wrap at 32768 here), so the temp is removed; one whose PID is a process that was
 * already running when it was written may be a live writer's, and stays.
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/lessons/progress/atomic-file.js';

const dir = mkdtempSync('/tmp/contlab-atomic-');
const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
afterAll(() => {
  sleeper.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('a temp whose PID was reused by a newer process is removed; a live writer’s stays', () => {
  const file = join(dir, 'progress.json');
  // Written an hour ago by a writer that died; its PID is now the sleeper's.
  const reused = `${file}.bak.tmp-${sleeper.pid}`;
  writeFileSync(reused, 'old');
  const hourAgo = new Date(Date.now() - 3600_000);
  utimesSync(reused, hourAgo, hourAgo);
  // Written now, under the PID of a process that was running before (jest's parent).
  const live = `${file}.tmp-${process.ppid}`;
  writeFileSync(live, 'mid-write');

  writeFileAtomic(file, '{}', { backup: true });
  expect(existsSync(reused)).toBe(false);
  expect(existsSync(live)).toBe(true);
});

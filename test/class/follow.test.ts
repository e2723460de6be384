/**
 * Follow mode end to end: the instructor runs `contlab class serve` and `contlab present` on
 * one machine (one lab home); an attendee on "another machine" (its own lab home) joins with
 * `contlab class join`. When the presenter moves to slide 2, the attendee's player opens
 * step 2 by itself, and the room sees it there.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { sigkill } from '../helpers/daemons.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { endAll, startContlab } from '../ui/lab-check.js';
import { fetchRoom, until } from './helpers.js';

let instructor: TempLab;
let attendee: TempLab;
let server: ChildProcessWithoutNullStreams | undefined;
beforeAll(() => {
  ensureBuilt();
  instructor = makeTempLab();
  attendee = makeTempLab();
});
afterEach(endAll);
afterAll(async () => {
  if (server !== undefined) await sigkill(server);
  instructor.remove();
  attendee.remove();
});

describe('follow mode', () => {
  it("moves a joined player to the presenter's slide", async () => {
    server = spawn(
      join(repoRoot, 'bin', 'contlab'),
      ['class', 'serve', '--host', '127.0.0.1', '--port', '0', '--no-qr'],
      { env: instructor.env },
    );
    let out = '';
    server.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const [, port, code] = await until(
      () => /contlab class join 127\.0\.0\.1:(\d+) (\w+)/.exec(out) ?? undefined,
      () => `the join line\n${out}`,
    );
    const key = /\/\?key=([\w-]+)/.exec(out)?.[1] as string;

    const player = startContlab(
      ['class', 'join', `127.0.0.1:${port}`, code as string, 'process', '--name', 'Fey'],
      { env: attendee.env, cols: 140, rows: 40 },
    );
    await player.waitForText(/1\. Start a tiny container/, 60_000);

    const presenter = startContlab(['present', 'process'], {
      env: instructor.env,
      cols: 140,
      rows: 40,
    });
    await presenter.waitForText(/3 steps · 15 min/, 60_000);
    presenter.press('n');
    presenter.press('n');
    await until(
      () => (/the presenter shows process step 2/.test(out) ? true : undefined),
      () => `the server to see slide 2\n${out}`,
      30_000,
    );
    await player.waitForText(/2\. Find it from the host/, 30_000);
    const row = await until(async () => {
      const a = (await fetchRoom(Number(port), key)).attendees.find((x) => x.name === 'Fey');
      return a?.step === 2 ? a : undefined;
    }, 'the room to see the attendee on step 2');
    expect(row.following).toBe(true);

    presenter.press('q');
    player.press('ctrlT');
    player.press('q');
    expect((await presenter.exited(60_000)).exitCode).toBe(0);
    expect((await player.exited(60_000)).exitCode).toBe(0);
  });
});

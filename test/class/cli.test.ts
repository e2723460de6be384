/**
 * The class commands as people type them: bad input gets one clear message; a wrong code
 * is refused before any lab is made; `contlab class join` opens the real player with the
 * reporter attached (the room sees the attendee's step and failing check, then that they
 * left); `contlab monitor --class LINK` draws the same room in the terminal.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { ClassServer } from '../../src/class/server.js';
import type { TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { expectCleanFailures } from '../lessons/helpers/cli-async.js';
import { endAll, startContlab } from '../ui/lab-check.js';
import { fetchRoom, startTestClass, type TestClass, until } from './helpers.js';

let room: TestClass;
let lab: TempLab;
let server: ClassServer;
beforeAll(async () => {
  ensureBuilt();
  room = await startTestClass({ stuckMinutes: 0.01 });
  ({ lab, server } = room);
});
afterEach(endAll);
afterAll(() => room.close());

describe('contlab class: bad input', () => {
  it('says what is wrong, exits 1, no stack trace', async () => {
    await expectCleanFailures(
      [
        [['class', 'join', 'localhost', 'ABC'], /"localhost" is not a class address/],
        [['class', 'join', '127.0.0.1:99999', 'ABC'], /"99999" is not a port number/],
        [['class', 'join', '127.0.0.1:7070', 'ABC', '--name', '  '], /--name wants a name/],
        [['class', 'join', '127.0.0.1:7070', 'ABC', 'no-such-lesson'], /no-such-lesson/],
        [['class', 'join', '127.0.0.1:7070', 'ABC', 'process'], /needs an interactive terminal/],
        [['class', 'serve', '--host', '8.8.8.8'], /not a loopback or local network address/],
        [['class', 'serve', '--port', 'http'], /"http" is not a port number/],
        [['class', 'serve', '--stuck-minutes', '0'], /--stuck-minutes wants/],
        [['monitor', '--class', 'not a link'], /is not the dashboard link/],
        [['monitor', '--class', 'http://127.0.0.1:7070/'], /it has no key/],
      ],
      lab.env,
    );
  });

  it('refuses a wrong code before any lab is made', async () => {
    const ui = startContlab(['class', 'join', `127.0.0.1:${server.port}`, 'WRONG1', 'process'], {
      env: lab.env,
    });
    await ui.waitForText(/wrong join code "WRONG1": check the code on the instructor's screen/);
    expect((await ui.exited()).exitCode).toBe(1);
    expect(ui.screenText()).not.toMatch(/^\s+at /m);
  });
});

describe('contlab class join, then contlab monitor --class', () => {
  it('reports the real player to the room, which the terminal class view shows', async () => {
    const player = startContlab(
      ['class', 'join', `127.0.0.1:${server.port}`, server.code.toLowerCase(), 'process'],
      { env: { ...lab.env, CONTLAB_NAME: 'ignored' }, cols: 140, rows: 40 },
    );
    // --name was not given: the name comes from CONTLAB_NAME (else the user name).
    await player.waitForText(/Start a tiny container/, 60_000);
    const row = await until(async () => {
      const a = (await fetchRoom(server.port, server.key)).attendees.find(
        (x) => x.name === 'ignored',
      );
      return a?.step === 1 && a.failing.length > 0 ? a : undefined;
    }, 'the player in the room');
    expect(row).toMatchObject({ status: 'online', lesson: 'process', step: 1, steps: 3 });
    expect(row.failing.map((c) => c.name)).toEqual(['running']);
    expect(row.failing[0]?.explain).toMatch(/start sleep 3600 with unshare/);

    const view = startContlab(['monitor', '--class', room.dashboard], {
      env: lab.env,
      cols: 140,
      rows: 36,
    });
    await view.waitForText(/1 online/);
    await view.waitForText(/Fails most: running \(lesson process, step 1/);
    await view.waitForText(/ignored STUCK/);
    view.press('q');
    expect((await view.exited()).exitCode).toBe(0);

    // The attendee stops following the instructor's slides by key, and starts again.
    expect(row.following).toBe(true);
    for (const following of [false, true]) {
      player.press('ctrlT');
      player.press('w');
      await player.waitForText(following ? /(?<!not )following the instructor/ : /not following/);
      await until(async () => {
        const a = (await fetchRoom(server.port, server.key)).attendees.find(
          (x) => x.name === 'ignored',
        );
        return a?.following === following ? a : undefined;
      }, `following ${following} in the room`);
    }

    player.press('ctrlT');
    player.press('q');
    await player.exited(60_000);
    const gone = await until(async () => {
      const a = (await fetchRoom(server.port, server.key)).attendees.find(
        (x) => x.name === 'ignored',
      );
      return a?.status === 'left' ? a : undefined;
    }, 'the attendee to have left');
    expect(gone.step).toBe(1);
  });
});

/**
 * The timeline in the player, end to end: the real bin/contlab in a pseudo-terminal, read
 * through a headless xterm. A command typed into the lab shell shows in the timeline panel
 * (a tab beside the live panels); Ctrl-T u undoes the step and the panel says what it removed.
 * Nothing of the lab is left after quitting.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { join } from 'node:path';
import { processExists } from '../helpers/host.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { copySamples } from '../lessons/helpers/samples.js';
import { endAll, sessionCgroups, startContlab } from '../ui/lab-check.js';

const lab = makeTempLab();
let env: Record<string, string>;
beforeAll(() => {
  ensureBuilt();
  const base = join(lab.home, '..');
  env = { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run, CONTLAB_LESSONS: copySamples(base) };
}, 180_000);
afterEach(endAll);
afterAll(() => lab.remove());

test('the timeline panel shows what a command did, and Ctrl-T u undoes the step', async () => {
  const ui = startContlab(['start', 'sample-namespaces'], { env, cols: 160, rows: 50 });
  await ui.waitForText(/step 1\/\d+/, 60_000);
  await ui.waitForText(/lab:~[$#]/, 30_000);
  // The timeline is the last tab: one back from the first.
  ui.press('ctrlT');
  ui.press('[');
  await ui.waitForText(/what it did to the kernel shows here/);
  await ui.type('unshare --net true\r');
  await ui.waitForText(/\$ unshare --net true \(exit 0/);
  await ui.waitForText(/network namespace \d+ created and gone with it: true/);

  await ui.type('sleep 3777 &\r');
  const screen = await ui.waitForText(/pid (\d+) started sleep 3777, still running/);
  const pid = Number(/pid (\d+) started sleep 3777/.exec(screen)?.[1]);
  expect(processExists(pid)).toBe(true);
  ui.press('ctrlT');
  ui.press('u');
  await ui.waitForText(/undo: step 1 back to where it began/, 30_000);
  await ui.waitForText(new RegExp(`removed process ${pid}`));
  expect(processExists(pid)).toBe(false);

  ui.press('ctrlT');
  ui.press('q');
  await ui.exited(30_000);
  expect(sessionCgroups(ui.pid)).toEqual([]);
}, 180_000);

test("the presenter shows the demo's last command's kernel changes under the slide", async () => {
  const ui = startContlab(['present', 'sample-namespaces'], { env, cols: 120, rows: 36 });
  await ui.waitForText(/ 0\/\d+\s*$/m, 60_000);
  ui.press('\x1b[6~');
  await ui.waitForText(/slide 1\/\d+/);
  ui.press('d');
  ui.press('s');
  // The demo's last line (`hostname`, in the new UTS namespace's shell) ran: its entry shows.
  await ui.waitForText(/kernel: \$ hostname {2}\(exit 0/, 30_000);
  await ui.waitForText(/pid \d+ ran hostname, exit 0/);
  ui.press('q');
  await ui.exited(30_000);
  expect(sessionCgroups(ui.pid)).toEqual([]);
}, 180_000);

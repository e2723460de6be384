/**
 * A learner's own ~/.bashrc in the lab shell: it is read (their aliases work), and while it
 * keeps the shell from printing its prompt (pyenv's rehash waiting for a lock does for
 * 60 s), the shell pane says so and names what is running, instead of staying blank.
 * The real bin/contlab in a pseudo-terminal, with a home made here.
 */
import { afterAll, afterEach, expect, test } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempLab } from '../helpers/lab-env.js';
import { endAll, startContlab } from './lab-check.js';

const lab = makeTempLab();
const home = join(lab.home, '..', 'learner');
afterEach(endAll);
afterAll(() => lab.remove());

test("a shell slow to start says why there is no prompt and what runs; the learner's bashrc is read", async () => {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'slow-start.sh'), 'sleep 7\n');
  writeFileSync(
    join(home, '.bashrc'),
    'bash "$HOME/slow-start.sh"\nalias hello=\'echo "hi from the learner bashrc"\'\n',
  );
  const ui = startContlab(['start', 'sample-namespaces'], {
    env: { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run, HOME: home },
    cols: 160,
    rows: 50,
  });
  await ui.waitForText(/step 1\/\d+/, 30_000);
  await ui.waitForText(/The shell has printed nothing for \d+ s/, 15_000);
  await ui.waitForText(/Running now: bash \S*\/slow-start\.sh → sleep 7/, 10_000);
  expect(ui.screenText()).toMatch(/Ctrl-C in the shell stops what runs now/);

  // Once the start-up files are done, the prompt replaces the notice.
  await ui.waitForText(/lab:~[$#]/, 30_000);
  expect(ui.screenText()).not.toMatch(/printed nothing/);
  await ui.type('hello\r');
  await ui.waitForText(/^.*│hi from the learner bashrc\s*$/m);

  ui.press('ctrlT');
  ui.press('q');
  expect((await ui.exited(30_000)).exitCode).toBe(0);
});

test('Ctrl-C in a shell stuck in the bashrc gives the lab prompt, and the timeline still sees commands', async () => {
  const stuck = join(lab.home, '..', 'stuck');
  mkdirSync(stuck, { recursive: true });
  writeFileSync(join(stuck, '.bashrc'), 'sleep 600\nPS1="never reached$ "\n');
  const ui = startContlab(['start', 'sample-namespaces'], {
    env: { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run, HOME: stuck },
    cols: 160,
    rows: 50,
  });
  await ui.waitForText(/Running now: sleep 600/, 30_000);
  ui.press('ctrlC');
  await ui.waitForText(/lab:~[$#]/, 10_000);
  // The timeline panel (the last tab) lists the command: the prompt marks were set before
  // the bashrc ran.
  ui.press('ctrlT');
  ui.press('[');
  await ui.waitForText(/what it did to the kernel shows here/);
  await ui.type('echo after-the-interrupt\r');
  await ui.waitForText(/\$ echo after-the-interrupt \(exit 0/, 10_000);
  ui.press('ctrlT');
  ui.press('q');
  expect((await ui.exited(30_000)).exitCode).toBe(0);
});

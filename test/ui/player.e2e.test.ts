/**
 * The lesson player end to end: the real bin/contlab in a pseudo-terminal, read through a
 * headless xterm. Home → a sample lesson → a real shell in the lab → the kernel panels →
 * the checkpoint → resize → quit, then nothing of the lab is left. Build first
 * (npm run build:ts): the app runs from dist/.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { hasStackTrace } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { terminalRestored, type UiRun } from './harness.js';
import {
  columns,
  liveOf,
  processesUnder,
  sessionCgroups,
  endAll,
  startContlab,
} from './lab-check.js';

const lab = makeTempLab();
afterEach(endAll);
afterAll(() => lab.remove());

const env = { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run };
const COLS = 120;
const ROWS = 40;
/** The shell pane starts after the lesson pane (40% of the width). */
const SHELL_X = Math.floor(COLS * 0.4);

function selected(ui: UiRun): string {
  return /^\s*› (.*)$/m.exec(ui.screenText())?.[1] ?? '';
}

/** Moves the selection down one lesson at a time until `title` is selected, then Enter. */
async function chooseOnHome(ui: UiRun, title: RegExp): Promise<void> {
  await ui.waitForText(/Enter start/);
  for (let i = 0; i < 30; i++) {
    // A frame caught mid-redraw can show no selection at all: wait for one before reading it.
    const screen = await ui.waitForText(/^\s*› \S/m);
    const before = /^\s*› (.*)$/m.exec(screen)?.[1] ?? '';
    if (title.test(before)) break;
    ui.press('down');
    await ui.waitForGone(`› ${before}`);
  }
  expect(selected(ui)).toMatch(title);
  ui.press('enter');
}

async function shellText(ui: UiRun): Promise<string> {
  return columns(ui.screenText(), SHELL_X, COLS - SHELL_X);
}

async function waitForShell(ui: UiRun, re: RegExp, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!re.test(await shellText(ui))) {
    if (Date.now() > deadline)
      throw new Error(`the shell pane never showed ${String(re)}:\n${ui.screenText()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('contlab (home) and the lesson player', () => {
  test('a sample lesson: shell, PID namespace panel, checkpoint, resize, quit, nothing left', async () => {
    const ui = startContlab([], { env, cols: COLS, rows: ROWS });
    await chooseOnHome(ui, /^Sample: a process that sees its own world/);
    await ui.waitForText(/step 1\/\d+/, 30_000);
    await waitForShell(ui, /^lab:~[$#]\s*$/m, 30_000);

    // The step about PID namespaces ("PID 1 again") is the second.
    ui.press('ctrlT');
    ui.press('n');
    await ui.waitForText(/step 2\/\d+/);
    await ui.waitForText(/2\. PID 1 again/);

    await ui.type(`unshare --fork --pid --mount-proc sh -c 'echo $$; sleep 30'\r`);
    await waitForShell(ui, /^1$/m);
    // The process panel highlights the process in a new PID namespace.
    await ui.waitForText(/★ sh\(\d+\) \[pid 1 inside\] pid:new/);

    // Checked now, the step is not done: the checkpoint says what it saw and expected.
    ui.press('ctrlT');
    ui.press('c');
    await ui.waitForText(/checkpoint not passed yet/);
    expect(ui.screenText()).toMatch(/expected/);

    ui.press('ctrlC');
    await ui.type('unshare --pid --fork --mount-proc sleep 3600 &\r');
    ui.press('ctrlT');
    ui.press('c');
    await ui.waitForText(/✓ checkpoint passed/, 20_000);
    await ui.waitForText(/step 2\/\d+\s+·✓/);
    const started = await processesUnder(ui.pid);
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(sessionCgroups(ui.pid).length).toBeGreaterThan(0);

    // Resize: the shell pane reflows to its new width.
    ui.resize(100, 30);
    await ui.type('clear; tput cols\r');
    await ui.waitForText(/^.{42}58\s*$/m);

    ui.press('ctrlT');
    ui.press('q');
    const { exitCode } = await ui.exited(30_000);
    expect(exitCode).toBe(0);
    expect(terminalRestored(ui.raw()).detail).toBe(
      'alternate screen left: true, cursor shown last: true',
    );
    expect(liveOf(started)).toEqual([]);
    expect(sessionCgroups(ui.pid)).toEqual([]);
  });

  test('an unknown lesson: one clear message, non-zero exit, no stack trace', async () => {
    const ui = startContlab(['start', 'no-such-lesson'], { env });
    const { exitCode } = await ui.exited();
    expect(exitCode).not.toBe(0);
    expect(ui.raw()).toMatch(/no lesson "no-such-lesson"/);
    expect(hasStackTrace(ui.raw())).toBe(false);
    expect(ui.raw()).not.toContain('\x1b[?1049h');
  });

  test('below 80x24 the home screen asks for a larger window; SIGTERM restores the terminal', async () => {
    const ui = startContlab([], { env, cols: 70, rows: 20 });
    await ui.waitForText(/enlarge the window to at least 80x24/);
    ui.resize(90, 26);
    await ui.waitForText(/Enter start/);
    ui.kill('SIGTERM');
    const { exitCode } = await ui.exited();
    expect(exitCode).toBe(143);
    expect(terminalRestored(ui.raw()).ok).toBe(true);
  });
});

/**
 * The app shell and the embedded terminal, end to end: the real UI in a pseudo-terminal.
 * Build first (npx tsc -p tsconfig.build.json): the app runs from dist/.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { descendants, scanProcesses } from '../../src/engine/observer/index.js';
import { processExists } from '../helpers/host.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { endAll, startUi, terminalRestored, UI_APP, type UiRun } from './harness.js';

const lab = makeTempLab();
afterEach(endAll);
afterAll(() => lab.remove());

function labEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run, NO_COLOR: '', ...extra };
}

async function processesUnder(pid: number): Promise<number[]> {
  return descendants(await scanProcesses({ light: true }), pid);
}

/**
 * Waits until `comm` runs under the app as its terminal's foreground job: only then does a
 * Ctrl-C reach it. (Pressed while bash is still starting it, the SIGINT goes to bash alone,
 * and the job runs on: what a real terminal does too.)
 */
async function waitForForeground(appPid: number, comm: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    for (const pid of await processesUnder(appPid)) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // Fields 5 and 8 of stat: the process group, and the terminal's foreground group.
        if (name === comm && f[2] === f[5]) return;
      } catch {
        // gone meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`${comm} never ran in the foreground`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function cgroupsOfSession(appPid: number): string[] {
  const out = execFileSync(
    'find',
    ['/sys/fs/cgroup', '-maxdepth', '4', '-iname', `*session-${appPid}-*`],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter((l) => l !== '');
}

async function quit(ui: UiRun): Promise<void> {
  ui.press('ctrlT');
  ui.press('q');
  const { exitCode } = await ui.exited();
  expect(exitCode).toBe(0);
}

describe('the lab shell screen', () => {
  test('runs a real shell: unshare gives PID 1, and quitting removes everything', async () => {
    const ui = startUi({ args: [UI_APP, 'shell', '--session'], env: labEnv() });
    await ui.waitForText(/lab shell/);
    await ui.waitForText(/[$#]\s*$/m);
    await ui.type(`unshare --fork --pid --mount-proc sh -c 'echo $$; sleep 30'\r`);
    await ui.waitForText(/^1$/m);
    const started = await processesUnder(ui.pid);
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(cgroupsOfSession(ui.pid).length).toBeGreaterThan(0);

    await quit(ui);
    const restored = terminalRestored(ui.raw());
    expect(restored.detail).toBe('alternate screen left: true, cursor shown last: true');
    expect(ui.raw()).toContain('shutdown hook ran');
    for (const pid of started) expect(processExists(pid)).toBe(false);
    expect(cgroupsOfSession(ui.pid)).toEqual([]);
  });

  test('Ctrl-D starts a new shell instead of quitting', async () => {
    const ui = startUi();
    await ui.waitForText(/[$#]\s*$/m);
    ui.press('ctrlD');
    await ui.waitForText(/a new one starts/);
    await ui.type('echo again-$((40+2))\r');
    await ui.waitForText(/^again-42$/m);
    await quit(ui);
  });

  test('reflows on resize, and asks for 80x24 below it', async () => {
    const ui = startUi({ cols: 100, rows: 30 });
    await ui.waitForText(/[$#]\s*$/m);
    await ui.type('tput cols; tput lines\r');
    await ui.waitForText(/^100\n26$/m);
    ui.resize(120, 40);
    await ui.type('clear; tput cols; tput lines\r');
    await ui.waitForText(/^120\n36$/m);
    // The footer sits on the row before the last one: the frame is one row less than the window.
    const lines = ui.screenText().split('\n');
    expect(lines[38]).toMatch(/^Ctrl-T \+ .* q quit/);
    expect(lines[39]).toBe('');

    ui.resize(70, 20);
    await ui.waitForText(/enlarge the window to at least 80x24/);
    expect(ui.screenText()).toMatch(/It is 70x20 now/);
    ui.resize(90, 26);
    await ui.waitForGone(/enlarge the window/);
    await ui.waitForText(/lab shell/);
    await quit(ui);
  });

  test('Ctrl-T f toggles nothing harmful, Ctrl-C reaches the shell', async () => {
    const ui = startUi();
    await ui.waitForText(/[$#]\s*$/m);
    await ui.type('sleep 20\r');
    await waitForForeground(ui.pid, 'sleep');
    ui.press('ctrlC');
    await ui.type('echo after-$((1+1))\r');
    await ui.waitForText(/^after-2$/m);
    await quit(ui);
    expect(terminalRestored(ui.raw()).ok).toBe(true);
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    test(`${signal} restores the terminal and runs the shutdown hook`, async () => {
      const ui = startUi({ args: [UI_APP, 'shell', '--session'], env: labEnv() });
      await ui.waitForText(/[$#]\s*$/m);
      const shells = await processesUnder(ui.pid);
      process.kill(ui.pid, signal);
      const { exitCode } = await ui.exited();
      expect(exitCode).toBe(signal === 'SIGTERM' ? 143 : 129);
      expect(terminalRestored(ui.raw()).ok).toBe(true);
      for (const pid of shells) expect(processExists(pid)).toBe(false);
      expect(cgroupsOfSession(ui.pid)).toEqual([]);
    });
  }
});

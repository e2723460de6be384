/**
 * The projector dashboard under a real tmux: its borders are UTF-8 box-drawing characters,
 * never the terminal's alternate character set (which tmux's capture, and many terminals
 * behind tmux, screen or a console, show as `lqqqk` and `x`), nor ASCII stand-ins. Run with
 * the TERM of tmux itself, of screen, of the Linux console and of xterm over ssh, the last two
 * in a locale that is not UTF-8.
 * The tmux server is this test's own (its own socket in the test's temp lab, no config file);
 * the test ends only the session it started.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { contlabBin } from '../../src/engine/repo.js';
import { processExists } from '../helpers/host.js';
import { useTempLab } from '../helpers/lab-env.js';

const lab = useTempLab();
// The server's socket in the test's temp lab: removed with it (afterAll).
const SOCKET = join(lab.home, '..', 'tmux.sock');
const SESSION = 'contlab-test-mon';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-S', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

function sessionRuns(): boolean {
  return spawnSync('tmux', ['-S', SOCKET, 'has-session', '-t', SESSION]).status === 0;
}

const NOT_UTF8 = { LANG: 'C', LC_ALL: 'C', LC_CTYPE: 'C' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The pane's text once `ready` shows in it (the dashboard's first complete frame). */
async function paneWhen(ready: RegExp, timeoutMs = 20_000): Promise<string> {
  let text = '';
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) {
    if (!sessionRuns()) throw new Error(`the monitor ended early:\n${text}`);
    text = tmux('capture-pane', '-p', '-t', SESSION);
    if (ready.test(text)) return text;
  }
  throw new Error(`no ${ready} within ${timeoutMs} ms:\n${text}`);
}

afterEach(() => {
  if (sessionRuns()) tmux('kill-session', '-t', SESSION);
});
afterAll(() => lab.remove());

describe('contlab monitor under tmux', () => {
  test.each([
    ['tmux’s own TERM', {}],
    ['TERM=screen', { TERM: 'screen' }],
    ['TERM=linux, not a UTF-8 locale', { TERM: 'linux', ...NOT_UTF8 }],
    // An ssh login often brings neither LANG nor a terminfo that declares UTF-8.
    ['TERM=xterm-256color, not a UTF-8 locale', { TERM: 'xterm-256color', ...NOT_UTF8 }],
  ])('%s: box-drawing borders, no ACS letters', async (_name, termEnv: Record<string, string>) => {
    const env = { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run, ...termEnv };
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    tmux(
      'new-session',
      '-d',
      '-x',
      '120',
      '-y',
      '36',
      '-s',
      SESSION,
      'env',
      ...assignments,
      contlabBin,
      'monitor',
    );
    const text = await paneWhen(/events[\s\S]*watching/);
    expect(text).toMatch(/┌─memory/);
    expect(text).toMatch(/[│┐└┘]/);
    expect(text).not.toMatch(/lqq|qqk|mqq|qqj/);

    tmux('send-keys', '-t', SESSION, 'q');
    for (let i = 0; i < 100 && sessionRuns(); i++) await sleep(100);
    expect(sessionRuns()).toBe(false);
  });

  test('a hang-up (the tmux session killed under it) ends the monitor', async () => {
    const env = { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run };
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    tmux(
      'new-session',
      '-d',
      '-x',
      '120',
      '-y',
      '36',
      '-s',
      SESSION,
      'env',
      ...assignments,
      contlabBin,
      'monitor',
    );
    await paneWhen(/events[\s\S]*watching/);
    // `env` execs bin/contlab, which is node: the pane's process is the monitor itself.
    const pid = Number(tmux('list-panes', '-t', SESSION, '-F', '#{pane_pid}').trim());
    expect(processExists(pid)).toBe(true);
    tmux('kill-session', '-t', SESSION);
    try {
      for (let i = 0; i < 100 && processExists(pid); i++) await sleep(100);
      expect(processExists(pid)).toBe(false);
    } finally {
      if (processExists(pid)) process.kill(pid, 'SIGKILL'); // this test's own monitor
    }
  });
});

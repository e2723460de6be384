/**
 * Drives the real UI end to end: the app runs in a pseudo-terminal of a given size, its
 * output is fed to a headless xterm (what the learner would see), and keys are typed into
 * it. The raw output is kept so a test can check that the terminal was restored on exit.
 */
import { join } from 'node:path';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';
import type { Terminal } from '@xterm/headless';
import { repoRoot } from '../../src/engine/repo.js';

export const UI_APP = join(repoRoot, 'test', 'ui', 'fixtures', 'ui-app.mjs');

export const KEYS = {
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  backspace: '\x7f',
  ctrlC: '\x03',
  ctrlD: '\x04',
  ctrlT: '\x14',
  f11: '\x1b[23~',
} as const;

export type KeyName = keyof typeof KEYS;

export interface UiRun {
  readonly pid: number;
  /** Everything the app wrote, escapes included. */
  raw(): string;
  /** The screen as text, one line per row, trailing spaces trimmed. */
  screenText(): string;
  /** The screen as text once the frame being drawn (if any) is complete. */
  frame(): Promise<string>;
  /** Resolves once the app drew a whole frame for the size of the last resize(). */
  resized(ms?: number): Promise<void>;
  waitForText(re: RegExp | string, ms?: number): Promise<string>;
  waitForGone(re: RegExp | string, ms?: number): Promise<void>;
  /** A named key (`enter`, `up`, `ctrlT`…) or literal text. */
  press(key: KeyName | string): void;
  type(text: string, delayMs?: number): Promise<void>;
  resize(cols: number, rows: number): void;
  /**
   * How many times the app's output scrolled the screen since it entered the alternate
   * screen: a full-screen app that draws a frame taller than the terminal scrolls it.
   * (Between a resize and the app's clearing the screen for the new size, frames drawn
   * for the old size do not count.)
   */
  scrolls(): number;
  /** Resolves with the exit code when the app ends. */
  exited(ms?: number): Promise<{ exitCode: number; signal: number | undefined }>;
  kill(signal?: NodeJS.Signals): void;
  readonly term: Terminal;
}

export interface StartOptions {
  cols?: number;
  rows?: number;
  env?: NodeJS.ProcessEnv;
  /** The command; default: node test/ui/fixtures/ui-app.mjs shell. */
  file?: string;
  args?: string[];
  cwd?: string;
}

function textOf(term: Terminal): string {
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < term.rows; y++)
    lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
  return lines.join('\n');
}

function matches(text: string, re: RegExp | string): boolean {
  return typeof re === 'string' ? text.includes(re) : re.test(text);
}

/** The child's environment: live rendering needs CI unset (Ink renders once in CI). */
export function uiEnv(extra: NodeJS.ProcessEnv = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...extra }))
    if (v !== undefined) env[k] = v;
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'GITHUB_ACTIONS'])
    delete env[k];
  env.TERM = 'xterm-256color';
  // A plain prompt the tests can read, whatever the machine's bashrc says.
  env.PS1 = env.PS1 ?? 'lab$ ';
  return env;
}

/** Every app started here and not seen to end: `endAll` ends them. */
const running = new Set<UiRun>();

/**
 * For afterEach: an app a failed test left running gets SIGTERM (it closes its lab
 * session on the way out), then SIGKILL if it does not end in time. One left running keeps
 * its pty open, and jest would never exit.
 */
export async function endAll(): Promise<void> {
  for (const ui of [...running]) {
    running.delete(ui);
    ui.kill('SIGTERM');
    try {
      await ui.exited(20_000);
    } catch {
      ui.kill('SIGKILL');
    }
  }
}

export function startUi(options: StartOptions = {}): UiRun {
  const cols = options.cols ?? 100;
  const rows = options.rows ?? 30;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
  const proc = pty.spawn(options.file ?? process.execPath, options.args ?? [UI_APP, 'shell'], {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: options.cwd ?? repoRoot,
    env: uiEnv(options.env),
  });
  let raw = '';
  let scrolled = 0;
  let resizing = false;
  // Frames the app drew for the old size may still arrive after a resize (a real terminal
  // sees the same); they end when the app clears the screen for the new size.
  let staleFrames = false;
  term.onScroll(() => {
    if (!resizing && !staleFrames && term.buffer.active.type === 'alternate') scrolled++;
  });
  // The switch to the alternate screen moves the viewport too: count from there on.
  term.buffer.onBufferChange(() => {
    scrolled = 0;
  });
  /** Frames completed since the app last cleared the screen. */
  let framesSinceClear = 0;
  term.parser.registerCsiHandler({ final: 'J' }, (params) => {
    if (params[0] === 2) {
      staleFrames = false;
      framesSinceClear = 0;
    }
    return false;
  });
  // The app draws each frame inside a synchronized update (DEC mode 2026), which a
  // terminal shows only once it is complete: reads of the screen wait for its end.
  let midFrame = false;
  term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) => {
    if (params[0] === 2026) midFrame = true;
    return false;
  });
  term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => {
    if (params[0] === 2026) {
      midFrame = false;
      framesSinceClear++;
    }
    return false;
  });
  let exit: { exitCode: number; signal: number | undefined } | undefined;
  const exitWaiters: (() => void)[] = [];
  // The app's terminal queries (cursor position) get the xterm's answers, as a real one would.
  term.onData((data) => {
    if (exit === undefined) proc.write(data);
  });
  proc.onData((data) => {
    raw += data;
    term.write(data);
  });
  proc.onExit((e) => {
    exit = { exitCode: e.exitCode, signal: e.signal || undefined };
    for (const w of exitWaiters.splice(0)) w();
  });

  const parsed = (): Promise<void> => new Promise((resolve) => term.write('', resolve));
  /** Everything received is parsed, and no frame is half drawn (or 2 s passed). */
  const settle = async (): Promise<void> => {
    await parsed();
    for (let i = 0; midFrame && exit === undefined && i < 80; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await parsed();
    }
  };

  const poll = async (done: () => boolean, ms: number, what: () => string): Promise<void> => {
    const deadline = Date.now() + ms;
    for (;;) {
      await settle();
      if (done()) return;
      if (Date.now() > deadline) throw new Error(what());
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const ui: UiRun = {
    pid: proc.pid,
    term,
    raw: () => raw,
    screenText: () => textOf(term),
    async frame() {
      await settle();
      return textOf(term);
    },
    async resized(ms = 10_000) {
      await poll(
        () => !staleFrames && framesSinceClear > 0 && !midFrame,
        ms,
        () => `the app drew no frame for ${term.cols}x${term.rows} in ${ms} ms:\n${textOf(term)}`,
      );
    },
    async waitForText(re, ms = 10_000) {
      let text = '';
      await poll(
        () => matches((text = textOf(term)), re),
        ms,
        () => `timed out after ${ms} ms waiting for ${String(re)}; the screen:\n${text}`,
      );
      return text;
    },
    async waitForGone(re, ms = 10_000) {
      let text = '';
      await poll(
        () => !matches((text = textOf(term)), re),
        ms,
        () => `timed out after ${ms} ms waiting for ${String(re)} to go; the screen:\n${text}`,
      );
    },
    press(key) {
      proc.write(key in KEYS ? KEYS[key as KeyName] : key);
    },
    async type(text, delayMs = 5) {
      for (const ch of text) {
        proc.write(ch);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    },
    resize(c, r) {
      staleFrames = true;
      resizing = true;
      try {
        term.resize(c, r);
      } finally {
        resizing = false;
      }
      proc.resize(c, r);
    },
    scrolls: () => scrolled,
    exited(ms = 20_000) {
      if (exit !== undefined) return Promise.resolve(exit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the app did not exit in ${ms} ms`)), ms);
        exitWaiters.push(() => {
          clearTimeout(timer);
          if (exit !== undefined) resolve(exit);
        });
      });
    },
    kill(signal = 'SIGTERM') {
      if (exit === undefined) proc.kill(signal);
    },
  };
  running.add(ui);
  proc.onExit(() => running.delete(ui));
  return ui;
}

/**
 * Whether the terminal was given back: after the last alternate-screen enter, the output
 * leaves the alternate screen and shows the cursor again.
 */
export function terminalRestored(raw: string): { ok: boolean; detail: string } {
  const enter = raw.lastIndexOf('\x1b[?1049h');
  if (enter < 0) return { ok: false, detail: 'the app never entered the alternate screen' };
  const after = raw.slice(enter);
  const left = after.includes('\x1b[?1049l');
  const shown = after.lastIndexOf('\x1b[?25h') > after.lastIndexOf('\x1b[?25l');
  return {
    ok: left && shown,
    detail: `alternate screen left: ${left}, cursor shown last: ${shown}`,
  };
}

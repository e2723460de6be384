/**
 * Runs a screen full-screen: the app enters the alternate screen itself, renders with Ink,
 * and on every way out (q, Ctrl-C twice, SIGTERM, SIGHUP, SIGINT, an uncaught error, the
 * process exiting) leaves the alternate screen, shows the cursor, turns raw mode off, and
 * then runs the shutdown hook (the lab session's close) once.
 */
import chalk from 'chalk';
import { render, type Instance } from 'ink';
import type { ReactNode } from 'react';
import { messageOf, shownMessage, shownRemedy } from '../../engine/errors.js';
import { t } from '../../i18n/messages.js';
import type { WindowSize } from '../hooks/use-window-size.js';
import { AppRoot } from './AppRoot.js';
import { TerminalState } from './terminal-state.js';
import { wantsMonochrome } from './theme.js';
import { startupMark } from '../../engine/startup-marks.js';

/** An error that ended the screen, in the learner's language, with its remedy if it has one. */
function errorText(err: unknown): string {
  const remedy = shownRemedy(err);
  return shownMessage(err) + (remedy === undefined ? '' : `\n  ${t('cli.remedy')} ${remedy}`);
}

export interface FullScreenOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Runs once after the terminal is restored: closes the lab session. */
  onShutdown?: () => Promise<void>;
  /** How long the shutdown hook may take before the app gives up on it (default 15 s). */
  shutdownTimeoutMs?: number;
  /** Default: from NO_COLOR / TERM=dumb. */
  monochrome?: boolean;
  /** Frames per second at most (default 60: keys echo in the shell pane within a frame). */
  maxFps?: number;
}

export type ExitReason =
  | { kind: 'quit'; value?: string }
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'error'; message: string };

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
const UNMOUNT_MS = 1000;

/** Exit status for a reason: 0, 128 + signal number, or 1. */
export function exitCodeOf(reason: ExitReason): number {
  if (reason.kind === 'quit') return 0;
  if (reason.kind === 'error') return 1;
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  return 128 + (numbers[reason.signal] ?? 0);
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`shutdown took longer than ${ms} ms`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runFullScreen(
  screen: ReactNode,
  options: FullScreenOptions = {},
): Promise<ExitReason> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const monochrome = options.monochrome ?? wantsMonochrome();
  if (monochrome) chalk.level = 0;
  const terminal = new TerminalState(stdin, stdout);

  let settle: (reason: ExitReason) => void = () => undefined;
  const exited = new Promise<ExitReason>((resolve) => {
    settle = resolve;
  });
  let reason: ExitReason | undefined;
  const finish = (why: ExitReason): void => {
    if (reason !== undefined) return;
    reason = why;
    settle(why);
  };

  const onSignal = (signal: NodeJS.Signals): void => finish({ kind: 'signal', signal });
  const onError = (err: unknown): void => finish({ kind: 'error', message: errorText(err) });
  const onExit = (): void => terminal.restore();
  // A write to a terminal that hung up must not become an uncaught error.
  const onStreamError = (): void => undefined;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('exit', onExit);
  stdout.on('error', onStreamError);

  const onQuit = (value?: string): void =>
    finish(value === undefined ? { kind: 'quit' } : { kind: 'quit', value });
  const sizeNow = (): WindowSize => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  let size = sizeNow();
  const drawn: { ink?: Instance } = {};
  // Clears the screen for a whole new frame: Ink must forget what it drew, and write the
  // erasing of it inside the same synchronized update.
  const onClear = (): void => {
    terminal.beginSync();
    drawn.ink?.clear();
    terminal.clear();
  };
  const app = (): React.JSX.Element => (
    <AppRoot monochrome={monochrome} size={size} onQuit={onQuit} onClear={onClear}>
      {screen}
    </AppRoot>
  );
  terminal.enter();
  const before = stdout.listeners('resize');
  const ink = render(app(), {
    stdin,
    stdout,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: options.maxFps ?? 60,
  });
  drawn.ink = ink;
  startupMark('first frame');
  // The app lays itself out for the new size at once, from the resize event: Ink's own
  // handler would draw the old layout into the new size, and on a narrower window erase
  // the new frame outside the synchronized update (the screen blinks blank).
  for (const l of stdout.listeners('resize'))
    if (!before.includes(l)) stdout.off('resize', l as () => void);
  const onResize = (): void => {
    const next = sizeNow();
    if (next.cols === size.cols && next.rows === size.rows) return;
    size = next;
    onClear();
    ink.rerender(app());
  };
  stdout.on('resize', onResize);

  const why = await exited;
  stdout.off('resize', onResize);
  try {
    ink.unmount();
    // A terminal that hung up never drains Ink's last write: never wait on it for long.
    await withTimeout(ink.waitUntilExit(), UNMOUNT_MS);
  } catch {
    // unmounting after an error or a hang-up: the terminal is restored below all the same
  }
  terminal.restore();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('uncaughtException', onError);
  process.off('unhandledRejection', onError);

  if (why.kind === 'error') process.stderr.write(`contlab: ${why.message}\n`);
  if (options.onShutdown !== undefined) {
    try {
      await withTimeout(options.onShutdown(), options.shutdownTimeoutMs ?? 15_000);
    } catch (err) {
      process.stderr.write(`contlab: closing the lab session: ${messageOf(err)}\n`);
    }
  }
  process.off('exit', onExit);
  stdout.off('error', onStreamError);
  return why;
}

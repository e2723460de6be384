/**
 * Runs the projector dashboard until q, Ctrl-C, SIGTERM, SIGHUP or SIGINT, and always gives
 * the terminal back (normal screen, cursor shown, raw mode off), also after a crash.
 */
import blessed, { type Widgets } from 'blessed';
import { shownMessage } from '../../engine/errors.js';
import { wantsMonochrome } from '../app/theme.js';
import { TerminalState } from '../app/terminal-state.js';
import { Dashboard } from './dashboard.js';
import { MonitorModel, type MonitorTarget } from './monitor-model.js';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
const EXIT_GRACE_MS = 3000;
const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
};

/**
 * Borders in UTF-8 box-drawing characters, never the terminal's alternate character set
 * (ACS): tmux and screen (TERM=screen: ACS by SO/SI), a console whose terminfo is not the
 * terminal's, and a capture of the pane all showed ACS borders as `lqqqk` and `x`.
 * blessed draws ACS only when the terminal's ACS is not "broken" (ncurses' rule, which
 * NCURSES_NO_UTF8_ACS=1 also sets); saying it is broken leaves the characters as they are.
 */
function drawLinesAsText(screen: Widgets.Screen): void {
  screen.tput.brokenACS = true;
}

export async function runMonitor(target: MonitorTarget, title: string): Promise<number> {
  const model = new MonitorModel(target, title);
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    // UTF-8 whatever LANG says: the borders, the chart's braille dots and the tree's lines.
    forceUnicode: true,
    title: 'contlab monitor',
    warnings: false,
  });
  drawLinesAsText(screen);
  // Our own record of the terminal, restored after blessed's, whatever blessed managed to do.
  const terminal = new TerminalState(process.stdin, process.stdout);
  terminal.enter();
  const dashboard = new Dashboard(screen, wantsMonochrome());
  dashboard.layout();

  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => finish(SIGNAL_CODES[signal] ?? 1);
  let reported = false;
  const onError = (err: unknown): void => {
    // Said once: when the terminal is gone, saying it fails too, and that failure must not
    // become the next error to report (a loop that kept a hung-up monitor running).
    if (!reported) {
      reported = true;
      try {
        process.stderr.write(`contlab: ${shownMessage(err)}\n`);
      } catch {
        // no terminal left to say it on
      }
    }
    finish(1);
  };
  // A write to a terminal that hung up (tmux kill-session, a closed ssh): the end, quietly.
  const onHangup = (): void => finish(SIGNAL_CODES.SIGHUP ?? 1);
  const onExit = (): void => terminal.restore();
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('exit', onExit);
  process.stdout.on('error', onHangup);
  process.stderr.on('error', onHangup);

  screen.key(['q', 'C-c', 'escape'], () => finish(0));
  screen.on('resize', () => {
    dashboard.layout();
    dashboard.draw(model.getView());
  });
  model.subscribe(() => dashboard.draw(model.getView()));
  await model.start();
  dashboard.draw(model.getView());

  const code = await done;
  // Whatever the tidying below meets (a terminal that went away mid-write), the process
  // ends: nothing is left sampling the kernel after a quit or a hang-up.
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  model.stop();
  try {
    screen.destroy();
  } catch {
    // the terminal went away (SIGHUP): restored below as far as possible
  }
  terminal.restore();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('uncaughtException', onError);
  process.off('unhandledRejection', onError);
  process.off('exit', onExit);
  process.stdout.off('error', onHangup);
  process.stderr.off('error', onHangup);
  return code;
}

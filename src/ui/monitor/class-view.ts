/**
 * The class view of the projector dashboard (`contlab monitor --class LINK`): the room a
 * class server streams, drawn with blessed-contrib. Who is on which step and who is stuck,
 * the check the room fails most, and per step: how many are there, passed, the pass rate
 * and the median time. Runs until q, Ctrl-C or a signal, and gives the terminal back.
 */
import blessed, { type Widgets } from 'blessed';
import contrib, { type TableWidget } from 'blessed-contrib';
import { messageOf } from '../../engine/errors.js';
import type { RoomStream } from '../../class/room-stream.js';
import type { RoomView } from '../../class/room-view-schema.js';
import {
  ATTENDEE_HEADERS,
  STEP_HEADERS,
  attendeeCells,
  countsLine,
  mostFailedLines,
  stepRows,
} from '../../class/room-text.js';
import { isTooSmall, MIN_COLS, MIN_ROWS } from '../app/layout.js';
import { wantsMonochrome } from '../app/theme.js';
import { TerminalState } from '../app/terminal-state.js';

interface ClassWidgets {
  header: Widgets.BoxElement;
  attendees: TableWidget;
  steps: TableWidget;
}

const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
};

class ClassView {
  private widgets: ClassWidgets | undefined;
  private status = 'live';

  constructor(
    private readonly screen: Widgets.Screen,
    private readonly mono: boolean,
  ) {}

  layout(): void {
    for (const child of [...this.screen.children]) child.destroy();
    this.widgets = undefined;
    const cols = this.screen.width;
    const rows = this.screen.height;
    if (isTooSmall(cols, rows)) {
      blessed.box({
        parent: this.screen,
        top: 0,
        left: 0,
        width: '100%',
        height: '100%',
        content: `Please enlarge the window to at least ${MIN_COLS}x${MIN_ROWS}\nIt is ${cols}x${rows} now. q quits.`,
      });
      return;
    }
    const grid = new contrib.grid({ rows: 12, cols: 12, screen: this.screen });
    const left = Math.floor(cols * (8 / 12)) - 4;
    const right = cols - left - 10;
    const colour = (c: string): string | undefined => (this.mono ? undefined : c);
    this.widgets = {
      header: grid.set<Widgets.BoxElement>(0, 0, 3, 12, blessed.box, { label: 'class' }),
      attendees: grid.set<TableWidget>(3, 0, 9, 8, contrib.table, {
        label: 'who is where',
        columnWidth: widths(left, [0.26, 0.2, 0.1, 0.08]),
        columnSpacing: 1,
        interactive: false,
        fg: colour('white'),
      }),
      steps: grid.set<TableWidget>(3, 8, 9, 4, contrib.table, {
        label: 'steps',
        columnWidth: widths(right, [0.5, 0.1, 0.14, 0.1]),
        columnSpacing: 1,
        interactive: false,
        fg: colour('white'),
      }),
    };
  }

  setStatus(status: string): void {
    this.status = status;
  }

  draw(view: RoomView | undefined): void {
    const w = this.widgets;
    if (w === undefined || view === undefined) {
      this.screen.render();
      return;
    }
    w.header.setContent([countsLine(view), ...mostFailedLines(view)].join('\n'));
    w.header.setLabel(`class (${this.status})`);
    // The stuck first: they are who the instructor walks to.
    const rows = [...view.attendees].sort((a, b) => Number(b.stuck) - Number(a.stuck));
    w.attendees.setData({ headers: ATTENDEE_HEADERS, data: rows.map(attendeeCells) });
    w.steps.setData({ headers: STEP_HEADERS, data: view.lessons.flatMap(stepRows) });
    this.screen.render();
  }
}

/** Splits `width` into columns by share; the last column takes what is left. */
function widths(width: number, shares: number[]): number[] {
  const fixed = shares.map((s) => Math.max(4, Math.floor(width * s)));
  const used = fixed.reduce((a, b) => a + b, 0) + shares.length;
  return [...fixed, Math.max(6, width - used)];
}

/** Draws the room from `stream` (whose first view is `first`) until the viewer quits. */
export async function runClassView(stream: RoomStream, first: RoomView): Promise<number> {
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    title: 'contlab class',
    warnings: false,
  });
  const terminal = new TerminalState(process.stdin, process.stdout);
  terminal.enter();
  const view = new ClassView(screen, wantsMonochrome());
  let latest = first;
  view.layout();
  view.draw(latest);

  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => finish(SIGNAL_CODES[signal] ?? 1);
  const onError = (err: unknown): void => {
    process.stderr.write(`contlab: ${messageOf(err)}\n`);
    finish(1);
  };
  const onExit = (): void => terminal.restore();
  const signals = Object.keys(SIGNAL_CODES) as NodeJS.Signals[];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('exit', onExit);
  screen.key(['q', 'C-c', 'escape'], () => finish(0));
  screen.on('resize', () => {
    view.layout();
    view.draw(latest);
  });
  const offs = [
    stream.on('room', (room) => {
      latest = room;
      view.setStatus('live');
      view.draw(latest);
    }),
    stream.on('lost', (why) => {
      view.setStatus(`reconnecting: ${why}`);
      view.draw(latest);
    }),
  ];

  const code = await done;
  for (const off of offs) off();
  stream.stop();
  try {
    screen.destroy();
  } catch {
    // the terminal went away (SIGHUP): restored below as far as possible
  }
  terminal.restore();
  for (const s of signals) process.off(s, onSignal);
  process.off('uncaughtException', onError);
  process.off('unhandledRejection', onError);
  process.off('exit', onExit);
  return code;
}

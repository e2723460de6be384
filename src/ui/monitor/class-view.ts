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
  attendeeCells,
  attendeeHeaders,
  countsLine,
  mostFailedLines,
  stepHeaders,
  stepRows,
} from '../../class/room-text.js';
import { t } from '../../i18n/messages.js';
import { isTooSmall, MIN_COLS, MIN_ROWS } from '../app/layout.js';
import { wantsMonochrome } from '../app/theme.js';
import { TerminalState } from '../app/terminal-state.js';
import { columnWidths, tableRow } from './cell-table.js';

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
  private status = t('class.live');
  private narrow = false;
  private stepsNarrow = false;
  private attendeeWidths: number[] = [];
  private stepWidths: number[] = [];

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
        content: t('monitor.tooSmall', {
          cols: MIN_COLS,
          rows: MIN_ROWS,
          cols2: cols,
          rows2: rows,
        }),
      });
      return;
    }
    // A 24-row grid, the header about five lines high whatever the terminal's height.
    const grid = new contrib.grid({ rows: 24, cols: 12, screen: this.screen });
    const header = Math.min(6, Math.max(2, Math.round((6 * 24) / rows)));
    // The attendees get two thirds (7/12 on a small screen), the steps the rest; a pane
    // too narrow for every column shows the few that matter.
    const split = cols >= 150 ? 8 : 7;
    const leftWidth = Math.floor((cols * split) / 12) - 4;
    const rightWidth = cols - Math.floor((cols * split) / 12) - 4;
    this.narrow = leftWidth < 80;
    this.stepsNarrow = rightWidth < 48;
    // In cells, each at least as wide as its heading in the language shown.
    this.attendeeWidths = columnWidths(
      leftWidth,
      this.narrow ? [16, 7, 8] : [Math.max(16, Math.floor(leftWidth * 0.2)), 11, 7, 8, 6],
      attendeeHeaders(this.narrow),
    );
    this.stepWidths = columnWidths(
      rightWidth,
      this.stepsNarrow ? [undefined, 7, 7] : [undefined, 5, 7, 5, 7],
      stepHeaders(this.stepsNarrow),
    );
    const colour = (c: string): string | undefined => (this.mono ? undefined : c);
    const table = { columnSpacing: 1, interactive: false, fg: colour('white') };
    this.widgets = {
      header: grid.set<Widgets.BoxElement>(0, 0, header, 12, blessed.box, {
        label: t('class.view.title'),
      }),
      attendees: grid.set<TableWidget>(header, 0, 24 - header, split, contrib.table, {
        ...table,
        label: t('class.view.attendees'),
        columnWidth: this.attendeeWidths,
      }),
      steps: grid.set<TableWidget>(header, split, 24 - header, 12 - split, contrib.table, {
        ...table,
        label: t(this.stepsNarrow ? 'class.view.steps' : 'class.view.stepsWide'),
        columnWidth: this.stepWidths,
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
    w.header.setLabel(t('class.view.status', { status: this.status }));
    // The stuck first: they are who the instructor walks to.
    const rows = [...view.attendees].sort((a, b) => Number(b.stuck) - Number(a.stuck));
    fill(
      w.attendees,
      attendeeHeaders(this.narrow),
      rows.map((a) => attendeeCells(a, this.narrow)),
      this.attendeeWidths,
    );
    fill(
      w.steps,
      stepHeaders(this.stepsNarrow),
      view.lessons.flatMap((l) => stepRows(l, this.stepsNarrow)),
      this.stepWidths,
    );
    this.screen.render();
  }
}

/**
 * A table's heading and rows, laid out by cells (see cell-table.ts), not through setData,
 * which would pad them again by string length. The rows' list parses tags: names and check
 * names are escaped, so an attendee called {bold} shows as written.
 */
function fill(table: TableWidget, headers: string[], rows: string[][], widths: number[]): void {
  // The heading is the table's own content, its rows a list one cell further right.
  table.setContent(` ${tableRow(headers, widths)}`);
  table.rows.setItems(rows.map((r) => blessed.escape(tableRow(r, widths))));
}

/** Draws the room from `stream` (whose first view is `first`) until the viewer quits. */
export async function runClassView(stream: RoomStream, first: RoomView): Promise<number> {
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    // As the projector dashboard: UTF-8 borders and · whatever LANG says, never ACS letters.
    forceUnicode: true,
    title: 'contlab class',
    warnings: false,
  });
  // blessed draws ACS only for a terminal whose ACS is not "broken" (see run-monitor.ts).
  screen.tput.brokenACS = true;
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
      view.setStatus(t('class.live'));
      view.draw(latest);
    }),
    stream.on('lost', (why) => {
      view.setStatus(t('class.view.reconnecting', { why }));
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

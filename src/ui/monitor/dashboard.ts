/**
 * The projector dashboard, drawn with blessed-contrib: memory line chart with the limit,
 * process tree, namespaces table, PIDs gauge, CPU throttling bar and the event log. The
 * widgets are rebuilt on every resize (blessed-contrib's grid does not reflow); below
 * 80x24 a message asks for a larger window.
 */
import blessed, { type Widgets } from 'blessed';
import contrib, {
  type BarWidget,
  type GaugeWidget,
  type LineWidget,
  type LogWidget,
  type TableWidget,
} from 'blessed-contrib';
import { isTooSmall, MIN_COLS, MIN_ROWS } from '../app/layout.js';
import { t } from '../../i18n/messages.js';
import { memoryLabel, type MonitorView } from './monitor-model.js';

interface Widgets_ {
  chart: LineWidget;
  tree: Widgets.BoxElement;
  table: TableWidget;
  pids: GaugeWidget;
  cpu: BarWidget;
  log: LogWidget;
}

const MIB = 1024 * 1024;
/** Panel titles in bold, to be read from the back of a room (a new object each: widgets change it). */
const boldLabel = (): { label: { bold: boolean } } => ({ label: { bold: true } });

export class Dashboard {
  private widgets: Widgets_ | undefined;
  private message: Widgets.BoxElement | undefined;
  private logged = 0;

  constructor(
    private readonly screen: Widgets.Screen,
    private readonly mono: boolean,
  ) {}

  /** Lays the widgets out for the screen's size now (call again after a resize). */
  layout(): void {
    for (const child of [...this.screen.children]) child.destroy();
    this.widgets = undefined;
    this.message = undefined;
    this.logged = 0;
    const cols = this.screen.width;
    const rows = this.screen.height;
    if (isTooSmall(cols, rows)) {
      this.message = blessed.box({
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
    const grid = new contrib.grid({ rows: 12, cols: 12, screen: this.screen });
    const colour = (c: string): string | undefined => (this.mono ? undefined : c);
    this.widgets = {
      chart: grid.set<LineWidget>(0, 0, 6, 8, contrib.line, {
        label: t('monitor.memory'),
        showLegend: true,
        legend: { width: 12 },
        minY: 0,
        style: {
          ...boldLabel(),
          line: colour('yellow'),
          text: colour('white'),
          baseline: colour('white'),
        },
        wholeNumbersOnly: false,
      }),
      tree: grid.set<Widgets.BoxElement>(0, 8, 6, 4, blessed.box, {
        label: t('monitor.processes'),
        tags: false,
        style: boldLabel(),
      }),
      pids: grid.set<GaugeWidget>(6, 0, 2, 4, contrib.gauge, {
        label: t('monitor.pidsTitle'),
        style: boldLabel(),
        stroke: colour('green'),
        fill: colour('white'),
      }),
      cpu: grid.set<BarWidget>(6, 4, 2, 4, contrib.bar, {
        label: t('monitor.throttling'),
        style: boldLabel(),
        barWidth: 8,
        barSpacing: 4,
        maxHeight: 100,
      }),
      table: grid.set<TableWidget>(8, 0, 4, 8, contrib.table, {
        label: t('monitor.namespaces'),
        style: boldLabel(),
        columnWidth: [7, 12, 7, 30],
        columnSpacing: 2,
        interactive: false,
      }),
      log: grid.set<LogWidget>(6, 8, 6, 4, contrib.log, {
        label: t('monitor.events'),
        style: boldLabel(),
        fg: colour('green'),
      }),
    };
  }

  draw(view: MonitorView): void {
    const w = this.widgets;
    if (w === undefined) {
      this.screen.render();
      return;
    }
    const n = view.memory.length;
    const x = view.memory.map((_, i) => t('monitor.secondsAgo', { s: String(i - n + 1) }));
    const series = [
      {
        title: t('monitor.usedMib'),
        x,
        y: view.memory.map((b) => b / MIB),
        style: { line: 'yellow' },
      },
    ];
    if (view.limit !== undefined)
      series.push({
        title: t('monitor.limit'),
        x,
        y: view.memory.map(() => (view.limit ?? 0) / MIB),
        style: { line: 'red' },
      });
    if (n > 0) w.chart.setData(series);
    w.chart.setLabel(memoryLabel(view));
    w.tree.setContent(view.tree.join('\n') || t('monitor.noProcess'));
    const pct = view.pids.max === undefined ? 0 : (view.pids.current / view.pids.max) * 100;
    w.pids.setPercent(Math.min(100, Math.round(pct)));
    w.pids.setLabel(pidsLabel(view.pids));
    w.cpu.setData({
      titles: [t('monitor.periods'), t('monitor.throttled')],
      data: [view.throttled.periods, view.throttled.throttled],
    });
    w.table.setData({
      // lsns's own column names, as the player's namespace panel shows them.
      headers: ['TYPE', 'INODE', 'NPROCS', 'COMMAND'],
      data: view.namespaces.map((e) => [e.type, String(e.inode), String(e.nprocs), e.command]),
    });
    for (const e of view.events) {
      if (e.seq <= this.logged) continue;
      const time = new Date(e.at).toISOString().slice(11, 19);
      w.log.log(`${time} ${e.kind === 'oom' ? '!! ' : ''}${e.text}`);
      this.logged = e.seq;
    }
    this.screen.render();
  }
}

/**
 * `pids 3 / 10`; without a limit, `pids 3 / max`: what pids.max then holds, and short enough
 * for the gauge's title at 80 columns in every language.
 */
function pidsLabel(pids: MonitorView['pids']): string {
  const current = String(pids.current);
  return pids.max === undefined
    ? t('monitor.pidsNoLimit', { current })
    : t('monitor.pids', { current, max: String(pids.max) });
}

/**
 * The live kernel panels as lines of text: the lab shell's process tree, the namespaces the
 * lab made, its cgroup, and the capabilities and mounts of the newest "container" process.
 * One shows at a time, under a strip of their names.
 */
import { t } from '../../i18n/messages.js';
import { formatBytes, gauge, sparkline, fit } from '../format/units.js';
import { PANEL_TABS, type PanelTab } from '../keys/commands.js';
import type { LiveView } from '../state/live-view.js';
import { entryHeading, entryLines, type Tone } from '../format/timeline-text.js';
import {
  fitLine,
  lineWidth,
  seg,
  widthOf,
  type Line,
  type Segment,
  type Style,
} from '../text/styled.js';
import { wrap } from '../text/wrap.js';

/** ` processes  namespaces …` (shorter names where those do not fit), the one shown marked. */
export function tabStrip(tab: PanelTab, width: number, mono: boolean): Line {
  const strip = (name: (t: PanelTab) => string): Line =>
    PANEL_TABS.map((t) =>
      t === tab
        ? seg(mono ? `[${name(t)}]` : ` ${name(t)} `, { bold: true, inverse: !mono })
        : seg(` ${name(t)} `, { color: 'muted' }),
    );
  const full = strip((name) => t(`panels.tab.${name}`));
  return fitLine(
    lineWidth(full) <= width ? full : strip((name) => t(`panels.short.${name}`)),
    width,
  );
}

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

function processLines(view: LiveView, width: number, height: number): Line[] {
  if (view.tree.length === 0) return [[seg(t('panels.waitingShell'), { color: 'muted' })]];
  // Keep the newest (deepest, last) lines in view when the tree is taller than the panel.
  return view.tree.slice(Math.max(0, view.tree.length - height)).map((l) => {
    const isolated = l.newNamespaces.length > 0;
    const line: Line = [
      seg(l.prefix, { color: 'muted' }),
      seg(
        `${isolated ? '★ ' : ''}${l.label}`,
        isolated ? { bold: true, color: 'warn' } : undefined,
      ),
    ];
    if (isolated)
      line.push(
        seg(` ${l.newNamespaces.join(' ')} `, { bold: true, inverse: true, color: 'warn' }),
      );
    if (l.notes.length > 0) line.push(seg(` ${l.notes.join(' ')}`, { color: 'accent' }));
    return fitLine(line, width);
  });
}

function namespaceLines(view: LiveView, width: number, height: number): Line[] {
  if (view.namespaces.length === 0)
    return wrap(
      [
        seg(t('panels.noNamespaces'), {
          color: 'muted',
        }),
      ],
      width,
    );
  // Narrow panes keep the command readable: tighter columns, NPROCS as N.
  const narrow = width < 60;
  const w = narrow ? { type: 6, inode: 11, n: 3, pid: 7 } : { type: 7, inode: 12, n: 7, pid: 8 };
  const rest = Math.max(8, width - w.type - w.inode - w.n - w.pid);
  const head = `${fit('TYPE', w.type)}${fit('INODE', w.inode)}${fit(narrow ? 'N' : 'NPROCS', w.n)}${fit('PID', w.pid)}COMMAND`;
  return [
    fitLine([seg(head, { bold: true })], width),
    ...view.namespaces
      .slice(0, Math.max(1, height - 1))
      .map((n) =>
        fitLine(
          [
            seg(fit(n.type, w.type), { color: 'warn' }),
            seg(
              `${fit(String(n.inode), w.inode)}${fit(String(n.nprocs), w.n)}${fit(String(n.pid), w.pid)}${fit(n.command, rest)}`,
            ),
          ],
          width,
        ),
      ),
  ];
}

function cgroupLines(view: LiveView, width: number): Line[] {
  const stats = view.cgroup;
  if (stats === undefined) return [[seg(t('panels.readingCgroup'), { color: 'muted' })]];
  const lines: Line[] = [
    [seg(stats.memory?.dir ?? t('panels.noMemoryController'), { color: 'muted' })],
  ];
  // The labels in a column: the widest one (in this language) sets it.
  const names = [t('panels.memory'), t('panels.history'), 'pids', 'cpu'];
  const column = Math.max(...names.map(widthOf)) + 1;
  const label = (name: string): Segment => seg(name + ' '.repeat(column - widthOf(name)));
  const mem = stats.memory;
  if (mem !== null) {
    const current = mem.current.value ?? 0;
    const max = mem.max.value;
    const limited = typeof max === 'number';
    const bar = Math.min(30, Math.max(10, width - 40));
    lines.push([
      label(t('panels.memory')),
      seg(limited ? gauge(current / max, bar) : '', { color: 'ok' }),
      seg(` ${formatBytes(current)} / ${limited ? formatBytes(max) : 'max'}  `),
      seg(fileName(mem.max.file), { color: 'muted' }),
    ]);
    lines.push([
      label(t('panels.history')),
      seg(sparkline(view.memory, Math.max(10, width - 10)), { color: 'accent' }),
    ]);
  }
  const pids = stats.pids;
  if (pids !== null)
    lines.push([
      label('pids'),
      seg(`${pids.current.value ?? '?'} / ${pids.max.value ?? 'max'}  `),
      seg(fileName(pids.max.file), { color: 'muted' }),
    ]);
  const cpu = stats.cpu;
  if (cpu !== null)
    lines.push([
      label('cpu'),
      seg(
        t('panels.cpuQuota', {
          quota: cpu.quota.value ?? 'max',
          period: cpu.period.value ?? '?',
          throttled: cpu.throttledPeriods.value ?? 0,
        }),
      ),
    ]);
  lines.push([
    seg(
      t('panels.oomKills', { count: view.oomKills }),
      view.oomKills > 0 ? { bold: true, color: 'fail' } : undefined,
    ),
  ]);
  return lines.map((l) => fitLine(l, width));
}

function capabilityLines(view: LiveView, width: number): Line[] {
  const focus = view.focus;
  if (focus?.caps === undefined) return [[seg(t('panels.noProcess'), { color: 'muted' })]];
  const { effective, bounding } = focus.caps;
  const dropped = [
    ...new Set([...(bounding.vsHost?.dropped ?? []), ...(effective.vsHost?.dropped ?? [])]),
  ];
  const host = effective.names.length + (effective.vsHost?.dropped.length ?? 0);
  return [
    fitLine(
      [seg(focus.command, { bold: true }), seg(` (pid ${focus.pid})`, { color: 'muted' })],
      width,
    ),
    fitLine(
      [
        seg(
          t('panels.capsCount', {
            effective: effective.names.length,
            bounding: bounding.names.length,
            host,
          }),
        ),
      ],
      width,
    ),
    ...wrap(
      [
        seg(
          dropped.length > 0
            ? t('panels.dropped', { caps: dropped.join(' ') })
            : t('panels.sameCaps'),
          {
            color: dropped.length > 0 ? 'warn' : 'ok',
          },
        ),
      ],
      width,
    ),
  ];
}

function mountLines(view: LiveView, width: number, height: number): Line[] {
  const focus = view.focus;
  if (focus?.mounts === undefined)
    return wrap(
      [
        seg(t('panels.noMountNs'), {
          color: 'muted',
        }),
      ],
      width,
    );
  const { added, removed } = focus.mounts;
  return [
    fitLine(
      [
        seg(focus.command, { bold: true }),
        seg(t('panels.mountsSummary', { pid: focus.pid, own: added.length, gone: removed }), {
          color: 'muted',
        }),
      ],
      width,
    ),
    ...added
      .slice(0, Math.max(1, height - 1))
      .map((m) =>
        fitLine(
          [
            seg(fit(m.mountPoint, Math.max(10, width - 30)), { color: 'warn' }),
            seg(` ${fit(m.fstype, 10)} ${m.source}`),
          ],
          width,
        ),
      ),
  ];
}

const TONES: Record<Tone, Style | undefined> = {
  new: { color: 'ok' },
  gone: { color: 'fail' },
  change: { color: 'warn' },
  info: undefined,
};

/**
 * What the commands typed did to the kernel: the newest entries that fit, oldest first, so
 * the last command's is at the bottom, next to the prompt.
 */
function timelineLines(view: LiveView, width: number, height: number): Line[] {
  if (view.timeline.length === 0)
    return wrap(
      [
        seg(t('timeline.empty'), {
          color: 'muted',
        }),
      ],
      width,
    );
  const blocks: Line[][] = [];
  let used = 0;
  for (const entry of [...view.timeline].reverse()) {
    // Wrapped, never cut: at 80 columns a path or a command is often longer than the panel.
    const heading = seg(entryHeading(entry), {
      bold: true,
      color: entry.kind === 'undo' ? 'accent' : undefined,
    });
    const block: Line[] = [
      ...wrap([heading], width, { rest: [seg('  ')] }),
      ...entryLines(entry).flatMap((l) =>
        wrap([seg(l.text, TONES[l.tone])], width, { first: [seg('  ')], rest: [seg('    ')] }),
      ),
    ];
    if (used > 0 && used + block.length > height) break;
    blocks.unshift(block);
    used += block.length;
  }
  const lines = blocks.flat();
  // The newest entry's first lines, when even it is taller than the panel.
  return lines.length > height && blocks.length === 1
    ? lines.slice(0, height)
    : lines.slice(-height);
}

/** The lines of panel `tab`, at most `height` of them, each at most `width` cells. */
export function panelLines(tab: PanelTab, view: LiveView, width: number, height: number): Line[] {
  const lines =
    tab === 'processes'
      ? processLines(view, width, height)
      : tab === 'namespaces'
        ? namespaceLines(view, width, height)
        : tab === 'cgroup'
          ? cgroupLines(view, width)
          : tab === 'capabilities'
            ? capabilityLines(view, width)
            : tab === 'mounts'
              ? mountLines(view, width, height)
              : timelineLines(view, width, height);
  return lines.slice(0, Math.max(0, height));
}

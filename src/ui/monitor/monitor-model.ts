/**
 * What the projector dashboard shows, fed by the observer's sampler: one cgroup (a lab's,
 * a process's, or one named by path) with its memory history against the limit, PIDs, CPU
 * throttling; the processes in it as a tree; their namespaces; and an event log of
 * processes starting and exiting and OOM kills.
 */
import {
  buildTree,
  hostReference,
  namespaceTable,
  Sampler,
  type CgroupStats,
  type NamespaceEntry,
  type ProcessInfo,
  type TreeNode,
} from '../../engine/observer/index.js';
import { t } from '../../i18n/messages.js';
import { formatBytes } from '../format/units.js';

export type MonitorTarget = { kind: 'pid'; pid: number } | { kind: 'cgroup'; path: string };

export interface MonitorEvent {
  /** Increasing number: the dashboard logs each event once. */
  seq: number;
  at: number;
  text: string;
  kind: 'start' | 'exit' | 'oom' | 'info';
}

export interface MonitorView {
  /** What is watched, in the language (`cgroup /contlab/...`): the log's first line. */
  title: string;
  cgroupDir: string | undefined;
  /** Memory use (bytes) once per sample, oldest first, and the limit (undefined: none). */
  memory: number[];
  limit: number | undefined;
  peak: number;
  pids: { current: number; max: number | undefined };
  throttled: { periods: number; throttled: number };
  oomKills: number;
  tree: string[];
  namespaces: NamespaceEntry[];
  events: MonitorEvent[];
}

const HISTORY = 120;

function cgroupPathsOf(p: ProcessInfo): string[] {
  return (p.cgroups ?? []).map((m) => m.path);
}

/** `sleep(4242)`, as the process tree shows a process. */
function named(p: ProcessInfo): string {
  return `${p.comm}(${p.pid})`;
}

function renderForest(nodes: TreeNode[]): string[] {
  const out: string[] = [];
  const walk = (n: TreeNode, prefix: string, last: boolean, top: boolean): void => {
    const ns = n.annotations.filter((a) => a.kind === 'namespace').map((a) => a.text);
    const inside = n.nsPid !== n.pid ? ` [${n.nsPid}]` : '';
    const label = `${n.comm}(${n.pid})${inside}${ns.length > 0 ? ' ' + ns.join(' ') : ''}`;
    out.push(top ? label : `${prefix}${last ? '└─' : '├─'}${label}`);
    const next = top ? '' : `${prefix}${last ? '  ' : '│ '}`;
    n.children.forEach((c, i) => walk(c, next, i === n.children.length - 1, false));
  };
  for (const n of nodes) walk(n, '', true, true);
  return out;
}

export class MonitorModel {
  readonly sampler: Sampler;
  private view: MonitorView;
  private readonly listeners = new Set<() => void>();
  private cgroupPath: string | undefined;
  private seq = 0;

  constructor(
    private readonly target: MonitorTarget,
    title: string,
    hz = 4,
  ) {
    this.sampler = new Sampler({
      hz,
      focus: target.kind === 'pid' ? target.pid : undefined,
    });
    this.cgroupPath = target.kind === 'cgroup' ? target.path : undefined;
    this.sampler.watchCgroup(
      'target',
      target.kind === 'pid' ? { pid: target.pid } : { path: target.path },
    );
    this.view = {
      title,
      cgroupDir: undefined,
      memory: [],
      limit: undefined,
      peak: 0,
      pids: { current: 0, max: undefined },
      throttled: { periods: 0, throttled: 0 },
      oomKills: 0,
      tree: [],
      namespaces: [],
      events: [],
    };
    // Said in the language as they happen: the log is read off the projector, never parsed.
    this.sampler.on('oom-kill', ({ count, delta }) =>
      this.log('oom', t('monitor.oomKill', { delta, count: String(count) })),
    );
    this.sampler.on('process-started', ({ process: p }) => {
      if (this.inTarget(p)) this.log('start', t('monitor.started', { process: named(p) }));
    });
    this.sampler.on('process-exited', ({ process: p }) => {
      if (this.inTarget(p)) this.log('exit', t('monitor.exited', { process: named(p) }));
    });
    this.sampler.on('tick', () => this.update());
  }

  async start(): Promise<void> {
    this.log('info', t('monitor.watching', { target: this.view.title }));
    await this.sampler.start();
  }

  stop(): void {
    this.sampler.stop();
    this.listeners.clear();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  getView(): MonitorView {
    return this.view;
  }

  private inTarget(p: ProcessInfo): boolean {
    if (this.target.kind === 'pid')
      return (
        p.pid === this.target.pid ||
        (this.cgroupPath !== undefined && cgroupPathsOf(p).some((c) => c === this.cgroupPath))
      );
    const base = this.target.path;
    return cgroupPathsOf(p).some((c) => c === base || c.startsWith(`${base}/`));
  }

  private log(kind: MonitorEvent['kind'], text: string): void {
    this.view = {
      ...this.view,
      events: [...this.view.events, { seq: ++this.seq, at: Date.now(), kind, text }].slice(-200),
    };
    this.emit();
  }

  private update(): void {
    const snap = this.sampler.snapshot();
    const stats: CgroupStats | undefined = snap.cgroups.get('target');
    const processes = [...snap.processes.values()];
    if (this.target.kind === 'pid' && this.cgroupPath === undefined) {
      const p = snap.processes.get(this.target.pid);
      const mem = p?.cgroups?.find((m) => m.controllers.includes('memory')) ?? p?.cgroups?.[0];
      this.cgroupPath = mem?.path;
    }
    const members = processes.filter((p) => this.inTarget(p));
    const memberPids = new Set(members.map((p) => p.pid));
    const host = hostReference(processes);
    const forest = buildTree(members);
    const current = stats?.memory?.current.value;
    const max = stats?.memory?.max.value;
    const memory =
      typeof current === 'number'
        ? [...this.view.memory, current].slice(-HISTORY)
        : this.view.memory;
    const peakRead = stats?.memory?.peak.value;
    this.view = {
      ...this.view,
      cgroupDir: stats?.memory?.dir,
      memory,
      limit: typeof max === 'number' ? max : undefined,
      peak: Math.max(
        this.view.peak,
        typeof current === 'number' ? current : 0,
        typeof peakRead === 'number' ? peakRead : 0,
      ),
      pids: {
        current: stats?.pids?.current.value ?? members.length,
        max: typeof stats?.pids?.max.value === 'number' ? stats.pids.max.value : undefined,
      },
      throttled: {
        periods: stats?.cpu?.periods.value ?? 0,
        throttled: stats?.cpu?.throttledPeriods.value ?? 0,
      },
      oomKills: stats?.memory?.oomKills.value ?? this.view.oomKills,
      tree: renderForest(forest),
      namespaces: namespaceTable(processes, host.namespaces).filter(
        (n) => !n.sharedWithHost && n.pids.some((pid) => memberPids.has(pid)),
      ),
    };
    this.emit();
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** `12.0 MiB / 64.0 MiB (peak 63.9 MiB)` */
export function memoryLabel(view: MonitorView): string {
  const current = view.memory[view.memory.length - 1] ?? 0;
  const limit = view.limit === undefined ? t('monitor.noLimit') : formatBytes(view.limit);
  return t('monitor.memoryLabel', {
    current: formatBytes(current),
    limit,
    peak: formatBytes(view.peak),
  });
}

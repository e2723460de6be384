/**
 * What the live panels show, kept up to date from the observer's sampler: the lab shell's
 * process subtree with its namespace annotations, the namespaces it made, the lab cgroup's
 * numbers with a memory history, and the capabilities and mounts of the newest "container"
 * process. All kernel reads are the observer's (async); this only shapes them for display.
 * React subscribes through `subscribe`/`getView` (useSyncExternalStore).
 */
import {
  buildTree,
  decodeCapSets,
  diffMounts,
  hostReference,
  namespaceTable,
  readMounts,
  Sampler,
  subtree,
  type CgroupStats,
  type DecodedCaps,
  type MountEntry,
  type NamespaceEntry,
  type ProcessInfo,
  type TreeNode,
} from '../../engine/observer/index.js';

export interface TreeLine {
  pid: number;
  /** Tree drawing (`├─`, `└─`) before the label. */
  prefix: string;
  label: string;
  /** Namespace annotations (`pid:new`): the line is highlighted. */
  newNamespaces: string[];
  /** Other annotations: cgroup moves, dropped capabilities, a changed root. */
  notes: string[];
}

export interface FocusProcess {
  pid: number;
  command: string;
  caps: DecodedCaps | undefined;
  /** Mounts only this process sees (a new mount namespace), and host mounts it lacks. */
  mounts: { added: MountEntry[]; removed: number } | undefined;
}

export interface LiveView {
  version: number;
  rootPid: number | undefined;
  tree: TreeLine[];
  namespaces: NamespaceEntry[];
  cgroup: CgroupStats | undefined;
  /** memory.current samples, oldest first, one a second. */
  memory: number[];
  focus: FocusProcess | undefined;
  oomKills: number;
}

/** Cgroup values that change while processes merely run: not a change of the lab's set-up. */
const USAGE_KEYS = new Set([
  'memory.current',
  'memory.peak',
  'memory.swapCurrent',
  'cpu.usageUsec',
  'cpu.periods',
  'cpu.throttledPeriods',
  'cpu.throttledUsec',
  'pids.current',
]);

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** How soon after a nudge the next poll comes. */
const NUDGE_MS = 100;

export interface LiveKernelOptions {
  /** The lab cgroup to watch, relative to each hierarchy root (`/contlab/session-1-2`). */
  cgroupPath?: string;
  /** Polls per second while the lab is busy (default 2). */
  hz?: number;
  /**
   * Time between polls while nothing happens in the lab (default 2000 ms; at most 1000 ms
   * while the cgroup panel with its one-a-second memory history is on screen).
   */
  idleMs?: number;
  /** How long after the last sign of activity the lab counts as busy (default 10 s). */
  busyMs?: number;
  historyLength?: number;
}

const EMPTY: LiveView = {
  version: 0,
  rootPid: undefined,
  tree: [],
  namespaces: [],
  cgroup: undefined,
  memory: [],
  focus: undefined,
  oomKills: 0,
};

function flatten(node: TreeNode, prefix: string, last: boolean, top: boolean): TreeLine[] {
  const nsPid = node.nsPid !== node.pid ? ` [pid ${node.nsPid} inside]` : '';
  const line: TreeLine = {
    pid: node.pid,
    prefix: top ? '' : `${prefix}${last ? '└─' : '├─'}`,
    label: `${node.comm}(${node.pid})${nsPid}`,
    newNamespaces: node.annotations.filter((a) => a.kind === 'namespace').map((a) => a.text),
    notes: node.annotations.filter((a) => a.kind !== 'namespace').map((a) => a.text),
  };
  const childPrefix = top ? '' : `${prefix}${last ? '  ' : '│ '}`;
  return [
    line,
    ...node.children.flatMap((c, i) =>
      flatten(c, childPrefix, i === node.children.length - 1, false),
    ),
  ];
}

/** The newest process below the root that lives in a namespace of its own, else the newest. */
function pickFocus(root: TreeNode, byPid: Map<number, ProcessInfo>): ProcessInfo | undefined {
  const all: TreeNode[] = [];
  const walk = (n: TreeNode): void => {
    all.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  const newest = (nodes: TreeNode[]): ProcessInfo | undefined =>
    nodes
      .map((n) => byPid.get(n.pid))
      .filter((p): p is ProcessInfo => p !== undefined)
      .sort((a, b) => b.start - a.start || b.pid - a.pid)[0];
  const isolated = all.filter((n) => n.annotations.some((a) => a.kind === 'namespace'));
  const inside = isolated.flatMap((n) => {
    const found: TreeNode[] = [];
    const under = (m: TreeNode): void => {
      found.push(m);
      m.children.forEach(under);
    };
    under(n);
    return found;
  });
  return newest(inside) ?? newest(all.slice(1)) ?? byPid.get(root.pid);
}

/** What the panels draw, as one string: an unchanged key means no new view is needed. */
function viewKey(
  tree: TreeLine[],
  namespaces: NamespaceEntry[],
  stats: CgroupStats | undefined,
  memory: number[],
  focus: FocusProcess | undefined,
): string {
  return JSON.stringify([
    tree,
    namespaces.map((n) => [n.type, n.inode, n.nprocs, n.pid, n.command]),
    stats?.memory?.current.value,
    stats?.memory?.max.value,
    stats?.memory?.oomKills.value,
    stats?.pids?.current.value,
    stats?.cpu?.throttledPeriods.value,
    memory.every((m) => m === memory[0]) ? memory[0] : memory.slice(-60),
    focus?.pid,
    focus?.caps?.effective.hex,
    focus?.caps?.bounding.hex,
    focus?.mounts?.added.length,
  ]);
}

/** The panels, one shown at a time: each looks at a part of the view. */
export type LiveTopic = 'processes' | 'namespaces' | 'cgroup' | 'capabilities' | 'mounts';

/** What the panel of `topic` draws from `view`: an unchanged key means no new frame. */
function topicKey(topic: LiveTopic | undefined, view: LiveView): string {
  switch (topic) {
    case undefined:
      return '';
    case 'processes':
      return JSON.stringify([view.rootPid, view.tree]);
    case 'namespaces':
      return JSON.stringify(view.namespaces);
    case 'cgroup': {
      const c = view.cgroup;
      return JSON.stringify([
        c === undefined,
        c?.memory === null ? null : [c?.memory?.dir, c?.memory?.current, c?.memory?.max],
        c?.pids === null ? null : [c?.pids?.current, c?.pids?.max],
        c?.cpu === null ? null : [c?.cpu?.quota, c?.cpu?.period, c?.cpu?.throttledPeriods],
        view.memory,
        view.oomKills,
      ]);
    }
    case 'capabilities':
    case 'mounts':
      return JSON.stringify(view.focus);
  }
}

export class LiveKernel {
  private readonly sampler: Sampler;
  private readonly listeners = new Set<() => void>();
  private readonly historyLength: number;
  private view: LiveView = EMPTY;
  private rootPid: number | undefined;
  private dirty = true;
  private lastHistoryAt = 0;
  private mountsFor: { pid: number; start: number; at: number } | undefined;
  private mounts: FocusProcess['mounts'];
  private readonly hasWatch: boolean;
  private readonly cgroupPath: string | undefined;
  private stopped = false;
  private lastKey = '';
  private history: number[] = [];
  private shown: LiveTopic | undefined = 'processes';
  private shownKey = '';
  private readonly busyPollMs: number;
  private readonly idleMs: number;
  private readonly busyMs: number;
  private lastActivity = 0;
  private timer: NodeJS.Timeout | undefined;
  private nextPollAt = 0;
  private lastPollAt = 0;

  constructor(options: LiveKernelOptions = {}) {
    this.busyPollMs = 1000 / (options.hz ?? 2);
    this.idleMs = Math.max(this.busyPollMs, options.idleMs ?? 2000);
    this.busyMs = options.busyMs ?? 10_000;
    this.sampler = new Sampler({ hz: options.hz ?? 2 });
    this.historyLength = options.historyLength ?? 120;
    this.hasWatch = options.cgroupPath !== undefined;
    this.cgroupPath = options.cgroupPath;
    if (options.cgroupPath !== undefined)
      this.sampler.watchCgroup('lab', { path: options.cgroupPath });
    // Only the lab's processes change what the panels show, and keep the polls quick.
    const labChanged = (): void => {
      this.dirty = true;
      this.lastActivity = Date.now();
    };
    this.sampler.on('process-started', ({ process }) => {
      if (this.ofLab(process)) labChanged();
    });
    this.sampler.on('process-exited', ({ process }) => {
      if (this.ofLab(process)) labChanged();
    });
    this.sampler.on('process-changed', ({ before, after }) => {
      if (this.ofLab(before) || this.ofLab(after)) labChanged();
    });
    this.sampler.on('tick', () => void this.onTick());
  }

  /** A process of the lab: in the lab's cgroup, or the lab shell itself. */
  private ofLab(p: ProcessInfo): boolean {
    if (this.cgroupPath === undefined || p.pid === this.rootPid) return true;
    const base = this.cgroupPath;
    return (p.cgroups ?? []).some((c) => isUnder(c.path, base));
  }

  /**
   * Calls `listener` when the lab may have changed in a way a checkpoint looks at: a lab
   * process (one in the lab's cgroup, or the lab shell) started, ended or changed (exec,
   * namespaces, cgroup, capabilities, root: new namespaces always come with one of these),
   * or a lab cgroup setting changed (not its usage counters, which move all the time).
   * Processes elsewhere on the host are not the learner's doing. Returns the unsubscribe.
   */
  onKernelChange(listener: () => void): () => void {
    const ofLab = (p: ProcessInfo): boolean => this.ofLab(p);
    const offs = [
      this.sampler.on('process-started', ({ process }) => {
        if (ofLab(process)) listener();
      }),
      this.sampler.on('process-exited', ({ process }) => {
        if (ofLab(process)) listener();
      }),
      this.sampler.on('process-changed', ({ before, after }) => {
        if (ofLab(before) || ofLab(after)) listener();
      }),
      this.sampler.on('cgroup-changed', ({ key }) => {
        if (!USAGE_KEYS.has(key)) listener();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /**
   * Takes the first look, then keeps polling: every `1/hz` s while the lab is busy (a lab
   * process came, went or changed, or the learner ran a command: see `nudge`), and only
   * every `idleMs` when nothing happened for `busyMs`.
   */
  async start(): Promise<void> {
    this.lastActivity = Date.now();
    await this.sampler.tick();
    this.schedule(this.pollMs());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.sampler.stop();
    this.listeners.clear();
  }

  /**
   * The learner did something that may change the lab (ran a command in its shell): poll
   * soon (but not more often than `hz`), and quickly for a while.
   */
  nudge(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.lastActivity = now;
    const at = Math.max(now + NUDGE_MS, this.lastPollAt + this.busyPollMs);
    if (this.timer === undefined || this.nextPollAt > at) this.schedule(at - now);
  }

  private pollMs(): number {
    if (Date.now() - this.lastActivity < this.busyMs) return this.busyPollMs;
    return this.shown === 'cgroup' ? Math.min(1000, this.idleMs) : this.idleMs;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.nextPollAt = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const started = Date.now();
      this.lastPollAt = started;
      void this.sampler.tick().then(() => {
        // Keep the rate: a slow poll shortens the wait before the next one.
        if (this.timer === undefined)
          this.schedule(Math.max(0, this.pollMs() - (Date.now() - started)));
      });
    }, delay);
  }

  /** The process whose subtree the panels show (the lab shell; it changes on a restart). */
  setRoot(pid: number | undefined): void {
    this.rootPid = pid;
    this.lastActivity = Date.now();
    this.sampler.setFocus(pid);
    this.dirty = true;
    // A new shell was just spawned: look at it now rather than at the next tick.
    void this.sampler.tick();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** The processes of the last poll (all of the host's, not only the lab's). */
  processes(): Iterable<ProcessInfo> {
    return this.sampler.snapshot().processes.values();
  }

  /** The newest view (listeners are told only when the shown panel's part of it changed). */
  getView = (): LiveView => this.view;

  /**
   * Which panel is on screen (undefined: none): only a change to what it draws tells the
   * listeners, so an idle lesson is not redrawn every second for numbers no one sees.
   */
  show(topic: LiveTopic | undefined): void {
    if (topic === this.shown) return;
    this.shown = topic;
    this.shownKey = topicKey(topic, this.view);
    // The cgroup panel's history wants a poll a second.
    if (topic === 'cgroup' && this.nextPollAt - Date.now() > 1000) this.schedule(1000);
  }

  private async onTick(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    // About a second apart (polls are not exactly on time).
    const historyDue = this.hasWatch && now - this.lastHistoryAt >= 900;
    if (!this.dirty && !historyDue) return;
    const snap = this.sampler.snapshot();
    const stats = snap.cgroups.get('lab');
    const recompute = this.dirty;
    this.dirty = false;
    if (historyDue) {
      this.lastHistoryAt = now;
      const current = stats?.memory?.current.value;
      if (typeof current === 'number')
        this.history = [...this.history, current].slice(-this.historyLength);
    }
    const memory = this.history;
    let { tree, namespaces, focus } = this.view;
    if (recompute) {
      const processes = [...snap.processes.values()];
      const byPid = new Map(processes.map((p) => [p.pid, p]));
      const host = hostReference(processes);
      const root =
        this.rootPid === undefined ? undefined : subtree(buildTree(processes), this.rootPid);
      tree = root === undefined ? [] : flatten(root, '', true, true);
      const inTree = new Set(tree.map((l) => l.pid));
      namespaces = namespaceTable(processes, host.namespaces).filter(
        (n) => !n.sharedWithHost && n.pids.some((pid) => inTree.has(pid)),
      );
      const target = root === undefined ? undefined : pickFocus(root, byPid);
      focus =
        target === undefined
          ? undefined
          : {
              pid: target.pid,
              command: target.args.join(' ') || target.comm,
              caps: target.caps === null ? undefined : decodeCapSets(target.caps, host.caps),
              mounts: await this.mountsOf(target, host.namespaces.mnt),
            };
    }
    if (this.stopped) return;
    const key = viewKey(tree, namespaces, stats, memory, focus);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.view = {
      version: this.view.version + 1,
      rootPid: this.rootPid,
      tree,
      namespaces,
      cgroup: stats,
      memory,
      focus,
      oomKills: stats?.memory?.oomKills.value ?? 0,
    };
    const shownKey = topicKey(this.shown, this.view);
    if (shownKey === this.shownKey) return;
    this.shownKey = shownKey;
    for (const l of [...this.listeners]) l();
  }

  /** Mount differences of the focus process, re-read at most every 2 s. */
  private async mountsOf(
    p: ProcessInfo,
    hostMnt: number | undefined,
  ): Promise<FocusProcess['mounts']> {
    if (p.namespaces.mnt === undefined || p.namespaces.mnt === hostMnt) return undefined;
    const m = this.mountsFor;
    if (m?.pid === p.pid && m.start === p.start && Date.now() - m.at < 2000) return this.mounts;
    const [mine, hosts] = await Promise.all([readMounts(p.pid), readMounts('self')]);
    if (mine === undefined || hosts === undefined) return undefined;
    const diff = diffMounts(mine, hosts);
    this.mountsFor = { pid: p.pid, start: p.start, at: Date.now() };
    this.mounts = { added: diff.added, removed: diff.removed.length };
    return this.mounts;
  }
}

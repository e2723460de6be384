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

export interface LiveKernelOptions {
  /** The lab cgroup to watch, relative to each hierarchy root (`/contlab/session-1-2`). */
  cgroupPath?: string;
  hz?: number;
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

/** What the panels draw, as one string: an unchanged key means no new frame is needed. */
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
  private stopped = false;
  private lastKey = '';
  private history: number[] = [];

  constructor(options: LiveKernelOptions = {}) {
    this.sampler = new Sampler({ hz: options.hz ?? 2 });
    this.historyLength = options.historyLength ?? 120;
    this.hasWatch = options.cgroupPath !== undefined;
    if (options.cgroupPath !== undefined)
      this.sampler.watchCgroup('lab', { path: options.cgroupPath });
    const markDirty = (): void => {
      this.dirty = true;
    };
    this.sampler.on('process-started', markDirty);
    this.sampler.on('process-exited', markDirty);
    this.sampler.on('process-changed', markDirty);
    this.sampler.on('cgroup-changed', markDirty);
    this.sampler.on('tick', () => void this.onTick());
  }

  async start(): Promise<void> {
    await this.sampler.start();
  }

  stop(): void {
    this.stopped = true;
    this.sampler.stop();
    this.listeners.clear();
  }

  /** The process whose subtree the panels show (the lab shell; it changes on a restart). */
  setRoot(pid: number | undefined): void {
    this.rootPid = pid;
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

  getView = (): LiveView => this.view;

  private async onTick(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    const snap = this.sampler.snapshot();
    const stats = snap.cgroups.get('lab');
    const historyDue = this.hasWatch && now - this.lastHistoryAt >= 1000;
    if (!this.dirty && !historyDue) return;
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

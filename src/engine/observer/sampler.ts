/**
 * The sampler: polls /proc and watched cgroups (default 4 Hz) and emits typed change
 * events, the one source for the TUI panels, the monitor and lesson checkpoints.
 *
 * Cheap by re-reading only what can have changed. Each tick reads /proc/loadavg and lists
 * /proc only if a task was created or reaped since the last tick: new PIDs are read in
 * full, missing ones are exits. Known processes are re-read only
 * when young (a process that just started is the one that will exec, unshare or join a
 * cgroup next), when in the focus subtree, or in a small round-robin share that catches
 * slower changes and PID reuse. Ticks never overlap: the next one is scheduled when the
 * last finishes.
 */
import type { Hierarchy } from '../cgroupfs.js';
import { messageOf } from '../errors.js';
import { flattenStats, sameValue, type FlatValue } from './cgroup-flatten.js';
import type { CgroupStats } from './cgroup-stats.js';
import { cgroupStatsOfPath, cgroupStatsOfPid, readHierarchies } from './cgroups.js';
import { TypedEmitter } from './emitter.js';
import { NS_TYPES, type NsType } from './ns-types.js';
import { processChanges, type ProcessChange } from './process-diff.js';
import { listPids, readProcess, type ProcessInfo } from './process.js';
import { liveSource, type KernelSource } from './source.js';
import { descendants } from './tree.js';

export interface SamplerEvents {
  'process-started': { process: ProcessInfo };
  'process-exited': { process: ProcessInfo };
  'process-changed': { before: ProcessInfo; after: ProcessInfo; changes: ProcessChange[] };
  'namespace-created': { type: NsType; inode: number; pid: number };
  'namespace-gone': { type: NsType; inode: number };
  'cgroup-changed': { watch: string; key: string; file: string; before: unknown; after: unknown };
  'oom-kill': { watch: string; file: string; count: number; delta: number };
  tick: { at: number; durationMs: number; processes: number };
  error: { message: string };
}

export type CgroupTarget = { pid: number } | { path: string };

export interface SamplerOptions {
  /** Polls per second (default 4). */
  hz?: number;
  source?: KernelSource;
  /**
   * Known processes re-read per tick beyond the young and focused ones (default 2: every
   * process is re-read about every N/8 seconds at 4 Hz, N processes).
   */
  refreshPerTick?: number;
  /** How long a new process counts as young and is re-read every tick (default 5000 ms). */
  youngMs?: number;
  /** A PID whose whole subtree is re-read every tick (the lab session, a container). */
  focus?: number;
  hierarchies?: Hierarchy[];
}

export interface Snapshot {
  at: number;
  processes: ReadonlyMap<number, ProcessInfo>;
  /** Last stats of each watched cgroup, by watch name. */
  cgroups: ReadonlyMap<string, CgroupStats>;
}

interface Watch {
  target: CgroupTarget;
  last: Map<string, FlatValue> | undefined;
  stats: CgroupStats | undefined;
}

export class Sampler extends TypedEmitter<SamplerEvents> {
  private readonly source: KernelSource;
  private readonly intervalMs: number;
  private readonly refreshPerTick: number;
  private readonly youngMs: number;
  private focus: number | undefined;
  private hierarchies: Hierarchy[] | undefined;
  private readonly processes = new Map<number, ProcessInfo>();
  private readonly firstSeen = new Map<number, number>();
  private readonly nsCounts = new Map<string, number>();
  private readonly watches = new Map<string, Watch>();
  private cursor = 0;
  private lastSignature: string | undefined;
  private at = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private ticking: Promise<void> | undefined;

  constructor(options: SamplerOptions = {}) {
    super((err, type) => {
      if (type !== 'error') this.emit('error', { message: `listener: ${messageOf(err)}` });
    });
    this.source = options.source ?? liveSource;
    this.intervalMs = 1000 / (options.hz ?? 4);
    this.refreshPerTick = options.refreshPerTick ?? 2;
    this.youngMs = options.youngMs ?? 5000;
    this.focus = options.focus;
    this.hierarchies = options.hierarchies;
  }

  snapshot(): Snapshot {
    return {
      at: this.at,
      processes: new Map(this.processes),
      cgroups: new Map(
        [...this.watches].flatMap(([name, w]) => (w.stats ? [[name, w.stats] as const] : [])),
      ),
    };
  }

  setFocus(pid: number | undefined): void {
    this.focus = pid;
  }

  /** Watches a cgroup (the one a PID is in, or a path); returns the function to stop. */
  watchCgroup(name: string, target: CgroupTarget): () => void {
    this.watches.set(name, { target, last: undefined, stats: undefined });
    return () => {
      this.watches.delete(name);
    };
  }

  /** Starts polling; resolves after the first full scan (which emits no start events). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One poll. Safe to call directly (tests, a manual refresh); calls never overlap. */
  tick(): Promise<void> {
    this.ticking ??= this.sample().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private schedule(): void {
    if (!this.running) return;
    const started = Date.now();
    this.timer = setTimeout(() => {
      void this.tick().then(() => {
        if (!this.running) return;
        // Keep the rate: a slow tick shortens the wait before the next one.
        const late = Date.now() - started - this.intervalMs;
        this.timer = setTimeout(() => this.schedule(), Math.max(0, -late));
      });
    }, this.intervalMs);
  }

  private async sample(): Promise<void> {
    const t0 = performance.now();
    const initial = this.at === 0;
    try {
      this.hierarchies ??= await readHierarchies(this.source);
      await this.sampleProcesses(initial);
      await this.sampleCgroups();
    } catch (err) {
      this.emit('error', { message: messageOf(err) });
    }
    this.at = Date.now();
    this.emit('tick', {
      at: this.at,
      durationMs: performance.now() - t0,
      processes: this.processes.size,
    });
  }

  /**
   * `tasks lastpid` from /proc/loadavg: the number of tasks and the last PID handed out.
   * Any fork or clone changes the last PID and any reaped task lowers the count, so when
   * both are unchanged no process started or went away and listing /proc (the costly part
   * of a tick on a busy host) can be skipped.
   */
  private async taskSignature(): Promise<string | undefined> {
    const text = await this.source.readText('/proc/loadavg');
    const fields = text?.trim().split(/\s+/);
    const tasks = fields?.[3]?.split('/')[1];
    return tasks === undefined || fields?.[4] === undefined ? undefined : `${tasks} ${fields[4]}`;
  }

  private async listChanges(): Promise<number[]> {
    const signature = await this.taskSignature();
    if (signature !== undefined && signature === this.lastSignature) return [];
    const pids = await listPids(this.source);
    this.lastSignature = signature;
    const present = new Set(pids);
    for (const [pid, p] of this.processes) {
      if (!present.has(pid)) this.removeProcess(p);
    }
    return pids.filter((pid) => !this.processes.has(pid));
  }

  private async sampleProcesses(initial: boolean): Promise<void> {
    const now = Date.now();
    const fresh = await this.listChanges();
    const refresh = this.pidsToRefresh(now);
    const [added, refreshed] = await Promise.all([
      Promise.all(fresh.map((pid) => readProcess(pid, { source: this.source }))),
      Promise.all(refresh.map((pid) => readProcess(pid, { source: this.source }))),
    ]);
    for (const p of added) if (p !== undefined) this.addProcess(p, now, !initial);
    refresh.forEach((pid, i) => this.applyRefresh(pid, refreshed[i], now));
  }

  private pidsToRefresh(now: number): number[] {
    const known = [...this.processes.keys()];
    const chosen = new Set<number>();
    for (const pid of known) {
      if (now - (this.firstSeen.get(pid) ?? 0) < this.youngMs) chosen.add(pid);
    }
    if (this.focus !== undefined) {
      chosen.add(this.focus);
      for (const pid of descendants([...this.processes.values()], this.focus)) chosen.add(pid);
    }
    for (let n = 0; n < Math.min(this.refreshPerTick, known.length); n++) {
      this.cursor = (this.cursor + 1) % known.length;
      const pid = known[this.cursor];
      if (pid !== undefined) chosen.add(pid);
    }
    return [...chosen].filter((pid) => this.processes.has(pid));
  }

  private applyRefresh(pid: number, after: ProcessInfo | undefined, now: number): void {
    const before = this.processes.get(pid);
    if (before === undefined) return;
    if (after === undefined || after.start !== before.start) {
      // Gone, or gone and its PID already reused by a new process.
      this.removeProcess(before);
      if (after !== undefined) this.addProcess(after, now, true);
      return;
    }
    const changes = processChanges(before, after);
    this.untrackNamespaces(before);
    this.processes.set(pid, after);
    this.trackNamespaces(after, true);
    if (changes.length > 0) this.emit('process-changed', { before, after, changes });
  }

  private addProcess(p: ProcessInfo, now: number, announce: boolean): void {
    this.processes.set(p.pid, p);
    this.firstSeen.set(p.pid, announce ? now : 0);
    this.trackNamespaces(p, announce);
    if (announce) this.emit('process-started', { process: p });
  }

  private removeProcess(p: ProcessInfo): void {
    this.processes.delete(p.pid);
    this.firstSeen.delete(p.pid);
    this.untrackNamespaces(p);
    this.emit('process-exited', { process: p });
  }

  private trackNamespaces(p: ProcessInfo, announce: boolean): void {
    for (const type of NS_TYPES) {
      const inode = p.namespaces[type];
      if (inode === undefined) continue;
      const key = `${type}:${inode}`;
      const count = this.nsCounts.get(key) ?? 0;
      this.nsCounts.set(key, count + 1);
      if (count === 0 && announce) this.emit('namespace-created', { type, inode, pid: p.pid });
    }
  }

  private untrackNamespaces(p: ProcessInfo): void {
    for (const type of NS_TYPES) {
      const inode = p.namespaces[type];
      if (inode === undefined) continue;
      const key = `${type}:${inode}`;
      const count = (this.nsCounts.get(key) ?? 1) - 1;
      if (count > 0) this.nsCounts.set(key, count);
      else {
        this.nsCounts.delete(key);
        this.emit('namespace-gone', { type, inode });
      }
    }
  }

  private async sampleCgroups(): Promise<void> {
    await Promise.all([...this.watches].map(([name, w]) => this.sampleWatch(name, w)));
  }

  private async sampleWatch(name: string, watch: Watch): Promise<void> {
    const options = { source: this.source, hierarchies: this.hierarchies };
    const stats =
      'pid' in watch.target
        ? (await cgroupStatsOfPid(watch.target.pid, options))?.stats
        : await cgroupStatsOfPath(watch.target.path, options);
    if (stats === undefined || !this.watches.has(name)) return;
    const flat = flattenStats(stats);
    const last = watch.last;
    watch.last = flat;
    watch.stats = stats;
    if (last === undefined) return;
    for (const [key, now] of flat) {
      const before = last.get(key);
      if (before === undefined || sameValue(before.value, now.value)) continue;
      this.emit('cgroup-changed', {
        watch: name,
        key,
        file: now.file,
        before: before.value,
        after: now.value,
      });
      if (key === 'memory.oomKills' && typeof now.value === 'number') {
        const delta = now.value - (typeof before.value === 'number' ? before.value : 0);
        if (delta > 0)
          this.emit('oom-kill', { watch: name, file: now.file, count: now.value, delta });
      }
    }
  }
}

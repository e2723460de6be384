/**
 * The lab observer of a lab on this machine: the observer's sampler, looking at /proc and at
 * the lab's cgroup at a pace that follows the learner. Every `1/hz` s while the lab is busy
 * (a lab process came, went or changed, or the learner ran a command: `activity()`), only
 * every `idleMs` when nothing happened for `busyMs`; never slower than a panel asks for
 * (setMaxInterval). After each look it hands the panels a LabSnapshot, and tells the
 * checkpoint watcher (onLabChange) when something a checkpoint looks at may have changed.
 */
import {
  readMounts,
  Sampler,
  type MountEntry,
  type ProcessInfo,
} from '../../../engine/observer/index.js';
import type { LabObserver, LabSnapshot } from '../lab-connection.js';

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

/** How soon after activity the next look comes. */
const ACTIVITY_MS = 100;

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

export interface LocalObserverOptions {
  /** The lab cgroup, relative to each hierarchy root (`/contlab/session-1-2`). */
  cgroupPath?: string;
  /** Looks per second while the lab is busy (default 2). */
  hz?: number;
  /** Time between looks while nothing happens in the lab (default 2000 ms). */
  idleMs?: number;
  /** How long after the last sign of activity the lab counts as busy (default 10 s). */
  busyMs?: number;
}

export class LocalObserver implements LabObserver {
  private readonly sampler: Sampler;
  private readonly listeners = new Set<(s: LabSnapshot) => void>();
  private readonly cgroupPath: string | undefined;
  private readonly busyPollMs: number;
  private readonly idleMs: number;
  private readonly busyMs: number;
  private maxIntervalMs: number | undefined;
  private shellPid: number | undefined;
  private labChanged = true;
  private snapshot: LabSnapshot | undefined;
  private lastActivity = 0;
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;
  private lastLookAt = 0;
  private stopped = false;

  constructor(options: LocalObserverOptions = {}) {
    const hz = options.hz ?? 2;
    this.busyPollMs = 1000 / hz;
    this.idleMs = Math.max(this.busyPollMs, options.idleMs ?? 2000);
    this.busyMs = options.busyMs ?? 10_000;
    this.cgroupPath = options.cgroupPath;
    this.sampler = new Sampler({ hz });
    if (options.cgroupPath !== undefined)
      this.sampler.watchCgroup('lab', { path: options.cgroupPath });
    this.onLabProcess(() => {
      this.labChanged = true;
      this.lastActivity = Date.now();
    });
    this.sampler.on('tick', ({ at }) => this.publish(at));
  }

  /** Takes the first look, then keeps looking (at the pace above) until stop(). */
  async start(): Promise<void> {
    this.lastActivity = Date.now();
    await this.sampler.tick();
    this.schedule(this.pace());
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sampler.stop();
    this.listeners.clear();
  }

  /** The learner's shell (the root of the process panel; a new one after a restart). */
  setShell(pid: number | undefined): void {
    this.shellPid = pid;
    this.sampler.setFocus(pid);
    this.labChanged = true;
    this.activity();
  }

  /** The learner did something that may change the lab: look soon, and often for a while. */
  activity(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.lastActivity = now;
    const at = Math.max(now + ACTIVITY_MS, this.lastLookAt + this.busyPollMs);
    if (this.timer === undefined || this.nextAt > at) this.schedule(at - now);
  }

  latest(): LabSnapshot | undefined {
    return this.snapshot;
  }

  onSnapshot(listener: (snapshot: LabSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  setMaxInterval(ms: number | undefined): void {
    this.maxIntervalMs = ms;
    if (ms !== undefined && this.nextAt - Date.now() > ms) this.schedule(ms);
  }

  readMounts(pid: number | 'self'): Promise<MountEntry[] | undefined> {
    return readMounts(pid);
  }

  /** Every namespace inode a process was in at the last look (all of the host's). */
  namespaceInodes(): Set<number> {
    const out = new Set<number>();
    for (const p of this.sampler.snapshot().processes.values())
      for (const inode of Object.values(p.namespaces)) out.add(inode);
    return out;
  }

  /** The processes of the last look (all of the host's): checkpoints find lab processes there. */
  processes(): Iterable<ProcessInfo> {
    return this.sampler.snapshot().processes.values();
  }

  /**
   * Calls `listener` when the lab may have changed in a way a checkpoint looks at: a lab
   * process (one in the lab's cgroup, or the lab shell) started, ended or changed (exec,
   * namespaces, cgroup, capabilities, root: new namespaces always come with one of these),
   * or a lab cgroup setting changed (not its usage counters, which move all the time).
   * Processes elsewhere on the host are not the learner's doing. Returns the unsubscribe.
   */
  onLabChange(listener: () => void): () => void {
    const offs = [
      this.onLabProcess(listener),
      this.sampler.on('cgroup-changed', ({ key }) => {
        if (!USAGE_KEYS.has(key)) listener();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  private onLabProcess(listener: () => void): () => void {
    const offs = [
      this.sampler.on('process-started', ({ process }) => {
        if (this.ofLab(process)) listener();
      }),
      this.sampler.on('process-exited', ({ process }) => {
        if (this.ofLab(process)) listener();
      }),
      this.sampler.on('process-changed', ({ before, after }) => {
        if (this.ofLab(before) || this.ofLab(after)) listener();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** A process of the lab: in the lab's cgroup, or the lab shell itself. */
  private ofLab(p: ProcessInfo): boolean {
    if (this.cgroupPath === undefined || p.pid === this.shellPid) return true;
    const base = this.cgroupPath;
    return (p.cgroups ?? []).some((c) => isUnder(c.path, base));
  }

  private publish(at: number): void {
    if (this.stopped) return;
    const snap = this.sampler.snapshot();
    this.snapshot = {
      at,
      shellPid: this.shellPid,
      processes: [...snap.processes.values()],
      cgroup: snap.cgroups.get('lab'),
      labChanged: this.labChanged,
    };
    this.labChanged = false;
    for (const l of [...this.listeners]) l(this.snapshot);
  }

  private pace(): number {
    const base = Date.now() - this.lastActivity < this.busyMs ? this.busyPollMs : this.idleMs;
    return Math.min(base, this.maxIntervalMs ?? base);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.nextAt = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const started = Date.now();
      this.lastLookAt = started;
      void this.sampler.tick().then(() => {
        // Keep the rate: a slow look shortens the wait before the next one.
        if (this.timer === undefined)
          this.schedule(Math.max(0, this.pace() - (Date.now() - started)));
      });
    }, delay);
  }
}

/**
 * inotify on the lab's cgroups: every cgroup directory under the lab's, in every hierarchy,
 * is watched while the lab runs. A write into a cgroup file (a limit, cgroup.procs) is a
 * modification the kernel reports the moment it happens, and on v2 the kernel itself
 * modifies memory.events when it counts an event (an OOM kill). So the timeline knows which
 * process was moved into which group (cgroup.procs is read right after the write), and that
 * a limit was written even when the value did not change. Nothing is polled: an idle lab
 * costs nothing here.
 */
import { readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Hierarchy } from '../cgroupfs.js';
import { cmdlineOf } from '../procfs.js';
import { hierarchyName } from './lab-state.js';

export type CgroupWrite =
  | { kind: 'write'; at: number; mountPoint: string; hierarchy: string; path: string; file: string }
  | {
      kind: 'moved';
      at: number;
      mountPoint: string;
      hierarchy: string;
      path: string;
      pid: number;
      command: string;
    }
  /** The kernel changed an event file (v2 memory.events, pids.events, cgroup.events). */
  | {
      kind: 'event';
      at: number;
      mountPoint: string;
      hierarchy: string;
      path: string;
      file: string;
    };

const EVENT_FILES = new Set([
  'memory.events',
  'memory.events.local',
  'pids.events',
  'cgroup.events',
]);

function readProcs(dir: string): Set<number> {
  try {
    return new Set(
      readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number),
    );
  } catch {
    return new Set();
  }
}

interface Watched {
  watcher: FSWatcher;
  hierarchy: Hierarchy;
  path: string;
  procs: Set<number>;
}

export class CgroupWatch {
  private readonly watched = new Map<string, Watched>();
  private writes: CgroupWrite[] = [];
  private readonly listeners = new Set<(w: CgroupWrite) => void>();
  private stopped = false;

  constructor(
    private readonly cgroupPath: string,
    private readonly hierarchies: Hierarchy[],
  ) {}

  start(): void {
    for (const h of this.hierarchies) this.add(h, join(h.mountPoint, this.cgroupPath), '.');
  }

  /** What was seen since the last call (until `until`, ms since the epoch: the rest stays). */
  drain(until = Infinity): CgroupWrite[] {
    const out = this.writes.filter((w) => w.at <= until);
    this.writes = this.writes.filter((w) => w.at > until);
    return out;
  }

  /** Called with each write as it is seen. */
  on(listener: (w: CgroupWrite) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watched.values()) w.watcher.close();
    this.watched.clear();
    this.listeners.clear();
  }

  private add(hierarchy: Hierarchy, dir: string, path: string): void {
    if (this.stopped || this.watched.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false }, (type, name) =>
        this.changed(dir, type, name === null ? '' : String(name)),
      );
    } catch {
      return; // gone already
    }
    watcher.on('error', () => this.remove(dir));
    this.watched.set(dir, { watcher, hierarchy, path, procs: readProcs(dir) });
    this.addChildren(hierarchy, dir, path);
  }

  private addChildren(hierarchy: Hierarchy, dir: string, path: string): void {
    let children: string[] = [];
    try {
      children = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    for (const c of children) this.add(hierarchy, join(dir, c), path === '.' ? c : `${path}/${c}`);
  }

  private remove(dir: string): void {
    const w = this.watched.get(dir);
    w?.watcher.close();
    this.watched.delete(dir);
  }

  private record(w: CgroupWrite): void {
    this.writes.push(w);
    // A lab that is never asked for its timeline must not grow without end.
    if (this.writes.length > 10_000) this.writes.splice(0, 5_000);
    for (const l of [...this.listeners]) l(w);
  }

  private changed(dir: string, type: string, name: string): void {
    const w = this.watched.get(dir);
    if (w === undefined) return;
    const at = Date.now();
    const where = {
      at,
      mountPoint: w.hierarchy.mountPoint,
      hierarchy: hierarchyName(w.hierarchy),
      path: w.path,
    };
    if (type === 'rename') {
      // A child group made or removed (or this one removed): watch what is there now.
      if (name === '' || !this.exists(dir)) {
        for (const d of [...this.watched.keys()])
          if (d === dir || d.startsWith(`${dir}/`)) this.remove(d);
        return;
      }
      const child = join(dir, name);
      if (!this.exists(child)) {
        for (const d of [...this.watched.keys()])
          if (d === child || d.startsWith(`${child}/`)) this.remove(d);
      } else this.add(w.hierarchy, child, w.path === '.' ? name : `${w.path}/${name}`);
      return;
    }
    if (name === 'cgroup.procs') {
      const now = readProcs(dir);
      for (const pid of now)
        if (!w.procs.has(pid))
          this.record({ kind: 'moved', ...where, pid, command: cmdlineOf(pid).join(' ') });
      w.procs = now;
      return;
    }
    if (EVENT_FILES.has(name)) this.record({ kind: 'event', ...where, file: name });
    else if (name !== '') this.record({ kind: 'write', ...where, file: name });
  }

  private exists(dir: string): boolean {
    try {
      readdirSync(dir);
      return true;
    } catch {
      return false;
    }
  }
}

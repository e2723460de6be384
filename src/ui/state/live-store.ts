/**
 * Keeps the live panels' view up to date from the lab observer's snapshots (see
 * live-view.ts for what the view is): it re-derives the process part only when the lab's
 * processes changed, samples the memory history about once a second, reads the focus
 * process's mounts at most every 2 s, and tells React (useSyncExternalStore) only when
 * what the panel on screen draws changed, so an idle lesson is not redrawn for numbers no
 * one sees.
 */
import type { PanelTab } from '../keys/commands.js';
import type { TimelineEntry } from '../../engine/timeline/types.js';
import type { LabObserver, LabSnapshot, LabTimeline } from '../app/lab-connection.js';
import {
  appendHistory,
  deriveProcesses,
  EMPTY_VIEW,
  mountDifference,
  panelKey,
  type FocusProcess,
  type LiveView,
} from './live-view.js';

/** Samples closer than this count as one second apart (looks are not exactly on time). */
const HISTORY_GAP_MS = 900;
const MOUNTS_MAX_AGE_MS = 2000;
/** Timeline entries the panel keeps (it shows the newest that fit). */
const TIMELINE_ENTRIES = 40;

export class LiveStore {
  private view: LiveView = EMPTY_VIEW;
  private readonly listeners = new Set<() => void>();
  private shown: PanelTab | undefined = 'processes';
  private shownKey = '';
  private lastHistoryAt = 0;
  private derived = false;
  private mounts:
    { pid: number; start: number; at: number; value: FocusProcess['mounts'] } | undefined;
  private pending: LabSnapshot | undefined;
  private applying = false;
  private off: (() => void) | undefined;
  private offTimeline: (() => void) | undefined;

  constructor(
    private readonly observer: LabObserver,
    private readonly historyLength = 120,
  ) {}

  /** Follows the observer from its newest snapshot on. */
  start(): void {
    this.off ??= this.observer.onSnapshot((s) => this.receive(s));
    const latest = this.observer.latest();
    if (latest !== undefined) this.receive(latest);
  }

  /** Follows the lab's timeline (the timeline panel) from its entries so far on. */
  followTimeline(timeline: LabTimeline): void {
    this.offTimeline?.();
    this.offTimeline = timeline.onEntry((e) => this.setTimeline([...this.view.timeline, e]));
    this.setTimeline(timeline.entries());
  }

  stop(): void {
    this.off?.();
    this.off = undefined;
    this.offTimeline?.();
    this.offTimeline = undefined;
    this.listeners.clear();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getView = (): LiveView => this.view;

  /** Which panel is on screen (undefined: none); the cgroup panel wants a look a second. */
  show(tab: PanelTab | undefined): void {
    if (tab === this.shown) return;
    this.shown = tab;
    this.shownKey = panelKey(tab, this.view);
    this.observer.setMaxInterval(tab === 'cgroup' ? 1000 : undefined);
  }

  private setTimeline(entries: readonly TimelineEntry[]): void {
    this.view = { ...this.view, timeline: entries.slice(-TIMELINE_ENTRIES) };
    this.changed();
  }

  /** Tells React, when what the panel on screen draws changed. */
  private changed(): void {
    const key = panelKey(this.shown, this.view);
    if (key === this.shownKey) return;
    this.shownKey = key;
    for (const l of [...this.listeners]) l();
  }

  /** Snapshots are applied one at a time; of those that arrive meanwhile, the newest. */
  private receive(snapshot: LabSnapshot): void {
    if (this.applying) {
      // A change noted in a skipped snapshot must not be lost with it.
      const changed = snapshot.labChanged || this.pending?.labChanged === true;
      this.pending = { ...snapshot, labChanged: changed };
      return;
    }
    this.applying = true;
    void this.apply(snapshot).finally(() => {
      this.applying = false;
      const next = this.pending;
      this.pending = undefined;
      if (next !== undefined && this.off !== undefined) this.receive(next);
    });
  }

  private async apply(snap: LabSnapshot): Promise<void> {
    let memory = this.view.memory;
    const current = snap.cgroup?.memory?.current.value;
    if (snap.at - this.lastHistoryAt >= HISTORY_GAP_MS && typeof current === 'number') {
      this.lastHistoryAt = snap.at;
      memory = appendHistory(memory, current, this.historyLength);
    }
    let part: Pick<LiveView, 'rootPid' | 'tree' | 'namespaces' | 'focus'> = this.view;
    if (!this.derived || snap.labChanged || snap.shellPid !== this.view.rootPid) {
      part = deriveProcesses(snap.processes, snap.shellPid);
      this.derived = true;
    }
    const focus = part.focus === undefined ? undefined : await this.withMounts(part.focus, snap.at);
    if (this.off === undefined) return;
    this.view = {
      rootPid: part.rootPid,
      tree: part.tree,
      namespaces: part.namespaces,
      focus,
      cgroup: snap.cgroup,
      memory,
      oomKills: snap.cgroup?.memory?.oomKills.value ?? 0,
      timeline: this.view.timeline,
    };
    this.changed();
  }

  private async withMounts(focus: FocusProcess, now: number): Promise<FocusProcess> {
    if (!focus.ownMounts) return focus;
    const m = this.mounts;
    if (m?.pid === focus.pid && m.start === focus.start && now - m.at < MOUNTS_MAX_AGE_MS)
      return { ...focus, mounts: m.value };
    const [mine, host] = await Promise.all([
      this.observer.readMounts(focus.pid),
      this.observer.readMounts('self'),
    ]);
    const value =
      mine === undefined || host === undefined ? undefined : mountDifference(mine, host);
    this.mounts = { pid: focus.pid, start: focus.start, at: now, value };
    return { ...focus, mounts: value };
  }
}

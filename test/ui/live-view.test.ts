/**
 * The live panels' view, derived from a snapshot captured from a real lab-like tree (see
 * test/ui/fixtures/capture-live.mjs): the tree with its namespace marks, the lab's own
 * namespaces, the "container" process the capability and mount panels follow, and the
 * store that keeps the view from an observer's snapshots. Pure: no kernel reads, no root.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MountEntry, ProcessInfo } from '../../src/engine/observer/index.js';
import type { TimelineEntry } from '../../src/engine/timeline/types.js';
import type { LabObserver, LabSnapshot } from '../../src/ui/app/lab-connection.js';
import { deriveProcesses, mountDifference } from '../../src/ui/state/live-view.js';
import { LiveStore } from '../../src/ui/state/live-store.js';
import { linesText } from '../../src/ui/text/styled.js';
import { panelLines } from '../../src/ui/views/panels.js';

interface Fixture {
  rootPid: number;
  processes: ProcessInfo[];
  mounts: { container: MountEntry[]; host: MountEntry[] };
}

const fixture = JSON.parse(
  readFileSync(
    join(
      import.meta.dirname ?? new URL('.', import.meta.url).pathname,
      'fixtures/live/lab-tree.json',
    ),
    'utf8',
  ),
) as Fixture;
const byArgs = (args: string): ProcessInfo => {
  const p = fixture.processes.find((x) => x.args.join(' ') === args);
  if (p === undefined) throw new Error(`no ${args} in the fixture`);
  return p;
};

describe('the view of a snapshot', () => {
  const view = deriveProcesses(fixture.processes, fixture.rootPid);

  test('the tree is the lab shell and what it started, drawn like pstree', () => {
    expect(view.tree.map((l) => `${l.prefix}${l.label}`)).toEqual([
      `bash(${fixture.rootPid})`,
      `├─sleep(${byArgs('sleep 301').pid})`,
      `├─unshare(${byArgs('unshare --fork --pid --mount-proc sh -c sleep 302 & wait').pid})`,
      `│ └─sh(${byArgs('sh -c sleep 302 & wait').pid}) [pid 1 inside]`,
      `│   └─sleep(${byArgs('sleep 302').pid}) [pid 2 inside]`,
      `└─sleep(${byArgs('sleep 303').pid})`,
    ]);
  });

  test('new namespaces mark where a container begins; dropped capabilities are noted', () => {
    const line = (pid: number) => view.tree.find((l) => l.pid === pid);
    expect(
      line(byArgs('unshare --fork --pid --mount-proc sh -c sleep 302 & wait').pid)?.newNamespaces,
    ).toEqual(['mnt:new']);
    expect(line(byArgs('sh -c sleep 302 & wait').pid)?.newNamespaces).toEqual(['pid:new']);
    expect(line(byArgs('sleep 301').pid)?.newNamespaces).toEqual([]);
    expect(line(byArgs('sleep 303').pid)?.notes.join(' ')).toMatch(/caps:-.*kill/);
  });

  test("the lab's own namespaces, not the host's", () => {
    expect(view.namespaces.map((n) => n.type).sort()).toEqual(['mnt', 'pid']);
    const pidNs = view.namespaces.find((n) => n.type === 'pid');
    expect(pidNs?.pid).toBe(byArgs('sh -c sleep 302 & wait').pid);
    expect(pidNs?.nprocs).toBe(2);
  });

  test('the panels follow the newest process inside the new namespaces', () => {
    expect(view.focus).toMatchObject({
      pid: byArgs('sleep 302').pid,
      command: 'sleep 302',
      ownMounts: true,
    });
    const diff = mountDifference(fixture.mounts.container, fixture.mounts.host);
    expect(diff.added.map((m) => m.mountPoint)).toContain('/proc');
  });

  test('without a shell, or a shell not in the snapshot, the view is empty', () => {
    expect(deriveProcesses(fixture.processes, undefined).tree).toEqual([]);
    expect(deriveProcesses(fixture.processes, 999_999).focus).toBeUndefined();
  });

  test('the process panel draws it, newest lines kept when the panel is short', () => {
    const full = { ...view, cgroup: undefined, memory: [], oomKills: 0, timeline: [] };
    const text = linesText(panelLines('processes', full, 60, 10));
    expect(text).toContain(`★ sh(${byArgs('sh -c sleep 302 & wait').pid}) [pid 1 inside] pid:new`);
    const short = linesText(panelLines('processes', full, 60, 2)).split('\n');
    expect(short).toHaveLength(2);
    expect(short[1]).toContain(`sleep(${byArgs('sleep 303').pid})`);
    for (const line of linesText(panelLines('namespaces', full, 40, 10)).split('\n'))
      expect(line.length).toBeLessThanOrEqual(40);
  });

  test('the timeline panel wraps a long command and a long path at 34 columns, never cuts them', () => {
    const path = 'contlab-web/system.slice/a-rather-long-name.scope';
    const entry: TimelineEntry = {
      seq: 1,
      kind: 'command',
      command: 'mkdir /sys/fs/cgroup/contlab-web/system.slice/a-rather-long-name.scope',
      typed: false,
      exitStatus: 0,
      startedAt: 0,
      endedAt: 12,
      step: { number: 1, id: 'make' },
      items: [
        {
          kind: 'cgroup',
          change: 'made',
          path,
          hierarchy: 'unified',
          file: null,
          before: null,
          after: null,
        },
      ],
    } as TimelineEntry;
    const full = { ...view, cgroup: undefined, memory: [], oomKills: 0, timeline: [entry] };
    const lines = linesText(panelLines('timeline', full, 34, 20)).split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(34);
    // Every character is there: lines joined without their indent give the whole text back.
    const text = lines.map((l) => l.trim()).join('');
    expect(text).not.toContain('…');
    expect(text).toContain(`mkdir/sys/fs/cgroup/${path}`);
    expect(text.replace(/\s/g, '')).toContain(`cgroup${path}made`);
    expect(lines.length).toBeGreaterThan(3);
  });
});

/** An observer that hands over the snapshots a test gives it (the thing under test is the store). */
class ReplayObserver implements LabObserver {
  private readonly listeners = new Set<(s: LabSnapshot) => void>();
  reads = 0;
  maxInterval: number | undefined;
  latest(): LabSnapshot | undefined {
    return undefined;
  }
  onSnapshot(listener: (s: LabSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  setMaxInterval(ms: number | undefined): void {
    this.maxInterval = ms;
  }
  async readMounts(pid: number | 'self'): Promise<MountEntry[] | undefined> {
    this.reads++;
    return pid === 'self' ? fixture.mounts.host : fixture.mounts.container;
  }
  send(s: LabSnapshot): void {
    for (const l of this.listeners) l(s);
  }
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('the store', () => {
  const snapshot = (at: number, memory: number, labChanged: boolean): LabSnapshot => ({
    at,
    shellPid: fixture.rootPid,
    processes: fixture.processes,
    labChanged,
    cgroup: {
      memory: {
        dir: '/x',
        current: { value: memory },
        max: { value: 1 << 30 },
        oomKills: { value: 0 },
      },
      pids: null,
      cpu: null,
    } as unknown as LabSnapshot['cgroup'],
  });

  test('keeps a memory history a second apart, reads mounts at most every 2 s, and tells only what the shown panel draws', async () => {
    const observer = new ReplayObserver();
    const store = new LiveStore(observer, 3);
    let told = 0;
    store.subscribe(() => told++);
    store.start();
    observer.send(snapshot(1000, 10, true));
    await settle();
    expect(store.getView().tree).toHaveLength(6);
    expect(told).toBe(1);
    // The processes panel is shown: memory moving is not its business.
    observer.send(snapshot(2000, 20, false));
    await settle();
    expect(told).toBe(1);
    store.show('cgroup');
    expect(observer.maxInterval).toBe(1000);
    for (const [at, m] of [
      [2500, 25],
      [3000, 30],
      [4000, 40],
      [5000, 50],
    ] as const) {
      observer.send(snapshot(at, m, false));
      await settle();
    }
    expect(store.getView().memory).toEqual([30, 40, 50]);
    expect(told).toBe(5);
    // Mounts of the focus process (its own and the host's): read at 1000, 3000 and 5000 only.
    expect(observer.reads).toBe(6);
    store.stop();
  });
});

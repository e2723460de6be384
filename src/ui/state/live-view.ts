/**
 * What the live panels show, derived from one look at the lab (a LabSnapshot): the lab
 * shell's process subtree with its namespace annotations, the namespaces the lab made, the
 * lab cgroup's numbers with a memory history, and the capabilities and mounts of the newest
 * "container" process. Pure: the same snapshot always gives the same view, so it is tested
 * against captured snapshots, without root. live-store.ts keeps it up to date.
 */
import type { TimelineEntry } from '../../engine/timeline/types.js';
import {
  buildTree,
  decodeCapSets,
  diffMounts,
  hostReference,
  namespaceTable,
  processLabel,
  subtree,
  treeLines,
  type CgroupStats,
  type DecodedCaps,
  type MountEntry,
  type NamespaceEntry,
  type ProcessInfo,
  type TreeNode,
} from '../../engine/observer/index.js';
import type { PanelTab } from '../keys/commands.js';

export interface ProcessLine {
  pid: number;
  /** Tree drawing (`├─`, `└─`) before the label. */
  prefix: string;
  label: string;
  /** Its command line (or its name when it has none). */
  command: string;
  /** Namespace annotations (`pid:new`): the line is highlighted. */
  newNamespaces: string[];
  /** Other annotations: cgroup moves, dropped capabilities, a changed root. */
  notes: string[];
}

export interface FocusProcess {
  pid: number;
  /** Clock ticks since boot at its start: with the PID, names this one process. */
  start: number;
  command: string;
  caps: DecodedCaps | undefined;
  /** Whether it has a mount namespace of its own (then `mounts` says what differs). */
  ownMounts: boolean;
  /** Mounts only this process sees, and how many host mounts it lacks (when read). */
  mounts: { added: MountEntry[]; removed: number } | undefined;
}

export interface LiveView {
  rootPid: number | undefined;
  tree: ProcessLine[];
  namespaces: NamespaceEntry[];
  cgroup: CgroupStats | undefined;
  /** memory.current samples, oldest first, about one a second. */
  memory: number[];
  focus: FocusProcess | undefined;
  oomKills: number;
  /** The lab's timeline: the newest entries, oldest first. */
  timeline: TimelineEntry[];
}

export const EMPTY_VIEW: LiveView = {
  rootPid: undefined,
  tree: [],
  namespaces: [],
  cgroup: undefined,
  memory: [],
  focus: undefined,
  oomKills: 0,
  timeline: [],
};

function lineOf(node: TreeNode, prefix: string): ProcessLine {
  return {
    pid: node.pid,
    prefix,
    label: processLabel(node),
    command: node.command,
    newNamespaces: node.annotations.filter((a) => a.kind === 'namespace').map((a) => a.text),
    notes: node.annotations.filter((a) => a.kind !== 'namespace').map((a) => a.text),
  };
}

function allNodes(node: TreeNode): TreeNode[] {
  return [node, ...node.children.flatMap(allNodes)];
}

/** The newest process below the root that lives in a namespace of its own, else the newest. */
function pickFocus(
  root: TreeNode,
  byPid: ReadonlyMap<number, ProcessInfo>,
): ProcessInfo | undefined {
  const all = allNodes(root);
  const newest = (nodes: TreeNode[]): ProcessInfo | undefined =>
    nodes
      .map((n) => byPid.get(n.pid))
      .filter((p): p is ProcessInfo => p !== undefined)
      .sort((a, b) => b.start - a.start || b.pid - a.pid)[0];
  const isolated = all.filter((n) => n.annotations.some((a) => a.kind === 'namespace'));
  return newest(isolated.flatMap(allNodes)) ?? newest(all.slice(1)) ?? byPid.get(root.pid);
}

/** The process-derived part of the view: the tree, the lab's namespaces, the focus process. */
export function deriveProcesses(
  processes: readonly ProcessInfo[],
  rootPid: number | undefined,
): Pick<LiveView, 'rootPid' | 'tree' | 'namespaces' | 'focus'> {
  const list = [...processes];
  const root = rootPid === undefined ? undefined : subtree(buildTree(list), rootPid);
  if (root === undefined) return { rootPid, tree: [], namespaces: [], focus: undefined };
  const host = hostReference(list);
  const tree = treeLines(root).map(({ node, prefix }) => lineOf(node, prefix));
  const inTree = new Set(tree.map((l) => l.pid));
  const namespaces = namespaceTable(list, host.namespaces).filter(
    (n) => !n.sharedWithHost && n.pids.some((pid) => inTree.has(pid)),
  );
  const target = pickFocus(root, new Map(list.map((p) => [p.pid, p])));
  const focus: FocusProcess | undefined =
    target === undefined
      ? undefined
      : {
          pid: target.pid,
          start: target.start,
          command: target.args.join(' ') || target.comm,
          caps: target.caps === null ? undefined : decodeCapSets(target.caps, host.caps),
          ownMounts:
            target.namespaces.mnt !== undefined && target.namespaces.mnt !== host.namespaces.mnt,
          mounts: undefined,
        };
  return { rootPid, tree, namespaces, focus };
}

/** Mounts the focus process has and the host lacks, and how many of the host's it lacks. */
export function mountDifference(
  mine: MountEntry[],
  host: MountEntry[],
): NonNullable<FocusProcess['mounts']> {
  const diff = diffMounts(mine, host);
  return { added: diff.added, removed: diff.removed.length };
}

/** `history` with `value` appended, at most `length` long. */
export function appendHistory(history: readonly number[], value: number, length: number): number[] {
  return [...history, value].slice(-length);
}

/** What the panel of `tab` draws from `view`, as one string: unchanged means no new frame. */
export function panelKey(tab: PanelTab | undefined, view: LiveView): string {
  switch (tab) {
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
    case 'timeline':
      return view.timeline.map((e) => e.seq).join(',');
  }
}

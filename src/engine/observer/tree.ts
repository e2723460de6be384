/**
 * The process tree, like `pstree -p`, where each node says how it differs from its parent:
 * the namespaces it is in that its parent is not, a cgroup move, dropped capabilities, a
 * changed root or user. That is exactly what a container runtime does to its child, so the
 * tree shows a container being made.
 */
import { membershipKey } from './cgroup-membership.js';
import { decodeCaps, parseCapMask } from './capabilities.js';
import { NS_TYPES } from './ns-types.js';
import type { ProcessInfo } from './process.js';

export type Annotation =
  | { kind: 'namespace'; type: string; text: string }
  | { kind: 'cgroup'; text: string; paths: string[] }
  | { kind: 'caps-dropped'; text: string; caps: string[] }
  | { kind: 'root-changed'; text: string }
  | { kind: 'uid-changed'; text: string; uid: number };

export interface TreeNode {
  pid: number;
  /** PID inside the process's own (innermost) PID namespace. */
  nsPid: number;
  comm: string;
  command: string;
  annotations: Annotation[];
  children: TreeNode[];
}

export interface TreeOptions {
  /** Show kernel threads (kthreadd's children); pstree shows them, the lab hides them. */
  kernelThreads?: boolean;
}

function capsDropped(child: ProcessInfo, parent: ProcessInfo): string[] {
  if (child.caps === null || parent.caps === null) return [];
  // The bounding set is what the container can ever get back: drops there are the real ones.
  const names = new Set<string>();
  for (const set of ['effective', 'bounding'] as const) {
    const lost = parseCapMask(parent.caps[set]) & ~parseCapMask(child.caps[set]);
    for (const n of decodeCaps(lost)) names.add(n);
  }
  return [...names];
}

function sameRoot(a: ProcessInfo, b: ProcessInfo): boolean {
  if (a.root === null || b.root === null) return true;
  return a.root.dev === b.root.dev && a.root.ino === b.root.ino;
}

/** How `child` differs from `parent`, in the order a runtime usually does it. */
export function annotate(child: ProcessInfo, parent: ProcessInfo | undefined): Annotation[] {
  if (parent === undefined) return [];
  const out: Annotation[] = [];
  for (const type of NS_TYPES) {
    const c = child.namespaces[type];
    const p = parent.namespaces[type];
    if (c !== undefined && p !== undefined && c !== p) {
      out.push({ kind: 'namespace', type, text: `${type}:new` });
    }
  }
  if (child.cgroups !== null && parent.cgroups !== null) {
    if (membershipKey(child.cgroups) !== membershipKey(parent.cgroups)) {
      const paths = [...new Set(child.cgroups.map((m) => m.path))];
      out.push({ kind: 'cgroup', text: `cgroup:${paths.join(',')}`, paths });
    }
  }
  const dropped = capsDropped(child, parent);
  if (dropped.length > 0) {
    const shown = dropped.length > 3 ? `${dropped.length} caps` : dropped.join(',');
    out.push({ kind: 'caps-dropped', text: `caps:-${shown}`, caps: dropped });
  }
  if (!sameRoot(child, parent)) out.push({ kind: 'root-changed', text: 'root:changed' });
  if (child.uid !== null && parent.uid !== null && child.uid.effective !== parent.uid.effective) {
    out.push({ kind: 'uid-changed', text: `uid:${child.uid.effective}`, uid: child.uid.effective });
  }
  return out;
}

function isKernelThread(p: ProcessInfo): boolean {
  // kthreadd (pid 2) is not flagged PF_KTHREAD on every kernel, but it is the kernel's.
  return p.kernelThread || (p.pid === 2 && p.ppid === 0);
}

/**
 * The forest of processes (one root per process whose parent is not listed: pid 1, and
 * kthreadd when kernel threads are shown).
 */
export function buildTree(processes: ProcessInfo[], options: TreeOptions = {}): TreeNode[] {
  const shown = options.kernelThreads ? processes : processes.filter((p) => !isKernelThread(p));
  const byPid = new Map(shown.map((p) => [p.pid, p]));
  const nodes = new Map<number, TreeNode>();
  for (const p of shown) {
    nodes.set(p.pid, {
      pid: p.pid,
      nsPid: p.nspid[p.nspid.length - 1] ?? p.pid,
      comm: p.comm,
      command: p.args.length > 0 ? p.args.join(' ') : `[${p.comm}]`,
      annotations: annotate(p, byPid.get(p.ppid)),
      children: [],
    });
  }
  const roots: TreeNode[] = [];
  for (const p of [...shown].sort((a, b) => a.pid - b.pid)) {
    const node = nodes.get(p.pid);
    if (node === undefined) continue;
    const parent = p.pid === p.ppid ? undefined : nodes.get(p.ppid);
    if (parent === undefined) roots.push(node);
    else parent.children.push(node);
  }
  return roots;
}

/** The node for `pid` with its whole subtree ("this container"), or undefined. */
export function subtree(forest: TreeNode[], pid: number): TreeNode | undefined {
  const stack = [...forest];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    if (node.pid === pid) return node;
    stack.push(...node.children);
  }
  return undefined;
}

/** Every PID below `pid`, not counting it ("this lab session's processes"). */
export function descendants(processes: ProcessInfo[], pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of processes) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const seen = new Set<number>([pid]);
  const queue = [...(children.get(pid) ?? [])];
  for (let i = 0; i < queue.length; i++) {
    const next = queue[i];
    if (next === undefined || seen.has(next)) continue;
    seen.add(next);
    queue.push(...(children.get(next) ?? []));
  }
  seen.delete(pid);
  return [...seen].sort((a, b) => a - b);
}

export interface TreeLine {
  node: TreeNode;
  /** The tree drawing before the node's label (`│ ├─`); empty for the top node. */
  prefix: string;
}

/**
 * The one tree layout every view of processes uses (the inspect report, the player's
 * process panel, the monitor): a node a line, its children below it, drawn like pstree.
 */
export function treeLines(node: TreeNode, prefix = '', last = true, top = true): TreeLine[] {
  const lines: TreeLine[] = [{ node, prefix: top ? '' : `${prefix}${last ? '└─' : '├─'}` }];
  const childPrefix = top ? '' : `${prefix}${last ? '  ' : '│ '}`;
  node.children.forEach((child, i) => {
    lines.push(...treeLines(child, childPrefix, i === node.children.length - 1, false));
  });
  return lines;
}

/** `comm(pid)`, and the PID inside when the process is in a PID namespace of its own. */
export function processLabel(node: TreeNode): string {
  const nsPid = node.nsPid !== node.pid ? ` [pid ${node.nsPid} inside]` : '';
  return `${node.comm}(${node.pid})${nsPid}`;
}

/** Text like `pstree -p`, one process a line, with annotations in brackets. */
export function renderTree(node: TreeNode): string[] {
  return treeLines(node).map(({ node: n, prefix }) => {
    const notes = n.annotations.map((a) => a.text).join(' ');
    return `${prefix}${processLabel(n)}${notes ? `  {${notes}}` : ''}`;
  });
}

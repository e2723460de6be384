/**
 * Everything the observer knows about one process and its subtree, as one plain JSON
 * value (schemas/inspect.schema.json describes it): what `contlab inspect PID` prints and
 * what a lesson checkpoint can assert on.
 */
import { cgroupMode } from '../cgroupfs.js';
import { LabError } from '../errors.js';
import { decodeCapSets, readCapLastCap, type DecodedCaps } from './capabilities.js';
import type { CgroupMembership } from './cgroup-membership.js';
import type { CgroupLocation, CgroupStats } from './cgroup-stats.js';
import { locateMemberships, readCgroupStats, readHierarchies } from './cgroups.js';
import { decodeOverlay, diffMounts, readMounts, type OverlayLayers } from './mounts.js';
import type { MountEntry } from './mountinfo.js';
import { namespaceTable, type NamespaceEntry } from './namespaces.js';
import { findVethPairs, readNetnsViews, type NetInterface } from './network.js';
import { NS_LINKS, type NsLink } from './ns-types.js';
import { hostReference, type HostReference } from './host.js';
import { commandOf, readProcess, scanProcesses, type ProcessInfo } from './process.js';
import { liveSource, type FileId, type KernelSource } from './source.js';
import { buildTree, descendants, subtree, type TreeNode } from './tree.js';

export interface NamespaceRow {
  type: NsLink;
  inode: number | null;
  host: number | null;
  differsFromHost: boolean | null;
}

export interface MountSummary {
  mountPoint: string;
  fstype: string;
  source: string;
  root: string;
  propagation: string;
  options: string[];
}

export interface VethLink {
  local: string;
  peer: string;
  peerNetns: number;
  /** Lowest PID in the peer's namespace (null: kept alive only by /run/netns). */
  peerPid: number | null;
  peerCommand: string | null;
}

export interface InspectReport {
  schemaVersion: 1;
  generatedAt: string;
  kernel: { release: string | null; capLastCap: number | null; cgroupMode: string };
  process: ProcessInfo & {
    command: string;
    /** The PID as the process itself sees it (innermost PID namespace). */
    nsPid: number;
    rootDiffersFromHost: boolean | null;
  };
  namespaces: NamespaceRow[];
  capabilities: DecodedCaps | null;
  cgroups: {
    memberships: CgroupMembership[] | null;
    location: CgroupLocation | null;
    stats: CgroupStats | null;
  };
  mounts: {
    count: number;
    addedVsHost: MountSummary[];
    removedVsHost: MountSummary[];
    overlays: { mountPoint: string; layers: OverlayLayers }[];
  } | null;
  network: { netns: number | null; interfaces: NetInterface[] | null; veth: VethLink[] } | null;
  tree: TreeNode | null;
  subtree: { pids: number[]; namespaces: NamespaceEntry[] };
}

export interface InspectOptions {
  source?: KernelSource;
  /** Skip the network part (it runs nsenter + ip once per network namespace). */
  network?: boolean;
  kernelThreads?: boolean;
}

/** Parses a PID argument, refusing anything that is not a positive integer. */
export function parsePid(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new LabError(`"${text}" is not a process ID`, {
      remedy: 'give a positive number, like the PID column of `ps -e`',
    });
  }
  return Number(text);
}

function summary(m: MountEntry): MountSummary {
  return {
    mountPoint: m.mountPoint,
    fstype: m.fstype,
    source: m.source,
    root: m.root,
    propagation: m.propagation.kind,
    options: m.options,
  };
}

async function mountsPart(pid: number, source: KernelSource): Promise<InspectReport['mounts']> {
  // The host's table is pid 1's; kthreadd's is the same namespace, if pid 1's is refused.
  const [mine, init] = await Promise.all([readMounts(pid, source), readMounts(1, source)]);
  const host = init ?? (await readMounts(2, source));
  if (mine === undefined) return null;
  const diff = host === undefined ? { added: mine, removed: [] } : diffMounts(mine, host);
  return {
    count: mine.length,
    addedVsHost: diff.added.map(summary),
    removedVsHost: diff.removed.map(summary),
    overlays: mine.flatMap((m) => {
      const layers = decodeOverlay(m);
      return layers === undefined ? [] : [{ mountPoint: m.mountPoint, layers }];
    }),
  };
}

async function networkPart(
  p: ProcessInfo,
  table: NamespaceEntry[],
  source: KernelSource,
): Promise<InspectReport['network']> {
  const netns = p.namespaces.net ?? null;
  const views = await readNetnsViews(table, source);
  const mine = views.find((v) => v.inode === netns);
  const veth: VethLink[] = [];
  for (const { a, b } of findVethPairs(views)) {
    const [local, peer] = a.netns === netns ? [a, b] : b.netns === netns ? [b, a] : [];
    if (local === undefined || peer === undefined) continue;
    const holder = table.find((e) => e.type === 'net' && e.inode === peer.netns);
    veth.push({
      local: local.name,
      peer: peer.name,
      peerNetns: peer.netns,
      peerPid: holder?.pid ?? null,
      peerCommand: holder?.command ?? null,
    });
  }
  return { netns, interfaces: mine?.interfaces ?? null, veth };
}

function namespaceRows(p: ProcessInfo, host: HostReference): NamespaceRow[] {
  return NS_LINKS.map((type) => {
    const inode = p.namespaces[type] ?? null;
    const h = host.namespaces[type] ?? null;
    return {
      type,
      inode,
      host: h,
      differsFromHost: inode === null || h === null ? null : inode !== h,
    };
  });
}

function rootDiffers(p: ProcessInfo, hostRootId: FileId | null): boolean | null {
  if (p.root === null || hostRootId === null) return null;
  return p.root.dev !== hostRootId.dev || p.root.ino !== hostRootId.ino;
}

export async function inspectProcess(
  pid: number,
  options: InspectOptions = {},
): Promise<InspectReport> {
  const source = options.source ?? liveSource;
  const target = await readProcess(pid, { source });
  if (target === undefined) {
    throw new LabError(`no process with PID ${pid}`, {
      remedy: 'it may have exited; list running processes with `ps -e`',
    });
  }
  const [all, hierarchies, capLastCap, release] = await Promise.all([
    scanProcesses({ source }),
    readHierarchies(source),
    readCapLastCap(source),
    source.readText('/proc/sys/kernel/osrelease'),
  ]);
  const host = hostReference(all);
  const location = target.cgroups === null ? null : locateMemberships(target.cgroups, hierarchies);
  const forest = buildTree(all, { kernelThreads: options.kernelThreads ?? target.kernelThread });
  const subPids = [pid, ...descendants(all, pid)];
  const inSubtree = new Set(subPids);
  const table = namespaceTable(all, host.namespaces);
  const [stats, mounts, network] = await Promise.all([
    location === null ? null : readCgroupStats(location, source),
    mountsPart(pid, source),
    options.network === false ? null : networkPart(target, table, source),
  ]);
  return {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    kernel: {
      release: release?.trim() ?? null,
      capLastCap: capLastCap ?? null,
      cgroupMode: cgroupMode(hierarchies),
    },
    process: {
      ...target,
      command: commandOf(target),
      nsPid: target.nspid[target.nspid.length - 1] ?? pid,
      rootDiffersFromHost: rootDiffers(target, host.root),
    },
    namespaces: namespaceRows(target, host),
    capabilities: target.caps === null ? null : decodeCapSets(target.caps, host.caps),
    cgroups: { memberships: target.cgroups, location, stats },
    mounts,
    network,
    tree: subtree(forest, pid) ?? null,
    subtree: {
      pids: subPids,
      namespaces: table.filter((e) => e.pids.some((p) => inSubtree.has(p))),
    },
  };
}

/**
 * The namespace table, like `lsns`: one row per namespace some process is in.
 *
 * Owning user namespace: the NS_GET_USERNS / NS_GET_PARENT ioctls that `lsns` uses cannot
 * be called from Node, so the owner is derived from processes. A namespace is owned by the
 * user namespace its creator was in when creating it, and a creator can only leave its user
 * namespace by entering another one, so the user namespace of the lowest PID inside a
 * namespace is its owner in the usual case (unshare, clone, runc). For a user namespace the
 * owner is its parent: the user namespace of the parent process of the lowest PID in it,
 * when that differs. A process that setns()'d into a namespace created elsewhere can make
 * this guess wrong; the table says `ownerDerivedFrom` so a reader can check.
 */
import { commandOf, type ProcessInfo } from './process.js';
import { hostReference } from './host.js';
import { NS_TYPES, type NamespaceInodes, type NsType } from './ns-types.js';

export interface NamespaceEntry {
  inode: number;
  type: NsType;
  /** Processes in it (threads are not counted, as in lsns). */
  nprocs: number;
  /** Lowest PID in it, and that process's command line. */
  pid: number;
  command: string;
  /** Inode of the owning user namespace (for a user namespace: its parent), or null. */
  ownerUserNs: number | null;
  /** The PID whose user namespace `ownerUserNs` was taken from. */
  ownerDerivedFrom: number | null;
  /** Whether it is one of the host's (initial) namespaces: see host.ts. */
  sharedWithHost: boolean;
  pids: number[];
}

function ownerOf(
  type: NsType,
  lowest: ProcessInfo,
  byPid: Map<number, ProcessInfo>,
): Pick<NamespaceEntry, 'ownerUserNs' | 'ownerDerivedFrom'> {
  if (type !== 'user') {
    const own = lowest.namespaces.user;
    return own === undefined
      ? { ownerUserNs: null, ownerDerivedFrom: null }
      : { ownerUserNs: own, ownerDerivedFrom: lowest.pid };
  }
  // Walk up from the lowest PID to the first ancestor in another user namespace.
  let cur = byPid.get(lowest.ppid);
  while (cur !== undefined && cur.namespaces.user === lowest.namespaces.user) {
    cur = byPid.get(cur.ppid);
  }
  const parentNs = cur?.namespaces.user;
  return parentNs === undefined || cur === undefined
    ? { ownerUserNs: null, ownerDerivedFrom: null }
    : { ownerUserNs: parentNs, ownerDerivedFrom: cur.pid };
}

export function namespaceTable(
  processes: ProcessInfo[],
  host: NamespaceInodes = hostReference(processes).namespaces,
): NamespaceEntry[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const groups = new Map<string, { type: NsType; inode: number; members: ProcessInfo[] }>();
  for (const p of [...processes].sort((a, b) => a.pid - b.pid)) {
    for (const type of NS_TYPES) {
      const inode = p.namespaces[type];
      if (inode === undefined) continue;
      const key = `${type}:${inode}`;
      const group = groups.get(key) ?? { type, inode, members: [] };
      group.members.push(p);
      groups.set(key, group);
    }
  }
  const rows: NamespaceEntry[] = [];
  for (const { type, inode, members } of groups.values()) {
    const lowest = members[0];
    if (lowest === undefined) continue;
    rows.push({
      inode,
      type,
      nprocs: members.length,
      pid: lowest.pid,
      command: commandOf(lowest),
      ...ownerOf(type, lowest, byPid),
      sharedWithHost: host[type] === inode,
      pids: members.map((m) => m.pid),
    });
  }
  return rows.sort((a, b) => a.inode - b.inode || a.type.localeCompare(b.type));
}

/** Namespace types in which `p` differs from `reference` (e.g. the host's pid 1). */
export function differingNamespaces(p: NamespaceInodes, reference: NamespaceInodes): NsType[] {
  return NS_TYPES.filter(
    (t) => p[t] !== undefined && reference[t] !== undefined && p[t] !== reference[t],
  );
}

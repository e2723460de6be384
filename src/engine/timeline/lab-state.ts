/**
 * One look at the lab's kernel objects (a LabState): its processes (every process in a
 * cgroup under the lab's), the cgroups below the lab's with their limits and event counters,
 * the mount tables of the host and of each mount namespace a lab process is in, and the
 * network namespaces (the host's, the lab processes', those `ip netns add` named).
 *
 * Cheap enough to take at every prompt: the interfaces of a namespace are listed from
 * /proc/PID/net/dev, and only when asked are they, their routes and the firewall rules read
 * with `ip` and `nft` (spawned inside the namespace, which Node cannot enter).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { labHierarchies, type Hierarchy } from '../cgroupfs.js';
import { run } from '../exec.js';
import { parseMountinfo } from '../observer/mountinfo.js';
import { parseIpAddrJson } from '../observer/network.js';
import { NS_LINKS, parseNsLink, type NamespaceInodes } from '../observer/ns-types.js';
import { readProcess } from '../observer/process.js';
import { liveSource } from '../observer/source.js';
import type {
  LabState,
  StateCgroup,
  StateInterface,
  StateMount,
  StateMountNs,
  StateNetns,
  StateProcess,
} from './types.js';

export interface LabScope {
  /** The lab's cgroup, relative to each hierarchy's root (`/contlab/session-1-2`). */
  cgroupPath: string;
  /** The lab's own process: never one of the lab's processes. */
  ownerPid: number;
}

export interface ReadStateOptions {
  /** Which network namespaces to read in full (interfaces, routes, rules). Default: none. */
  network?: (ns: StateNetns) => boolean;
  /** Full network reads of namespaces not read again now are carried over from here. */
  previous?: LabState;
  hierarchies?: Hierarchy[];
}

/** Limit files worth following: what lessons and runtimes write. */
export const LIMIT_FILES: ReadonlySet<string> = new Set([
  'memory.max',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.swap.max',
  'memory.oom.group',
  'memory.limit_in_bytes',
  'memory.memsw.limit_in_bytes',
  'memory.soft_limit_in_bytes',
  'memory.swappiness',
  'cpu.max',
  'cpu.weight',
  'cpu.shares',
  'cpu.cfs_quota_us',
  'cpu.cfs_period_us',
  'cpuset.cpus',
  'cpuset.mems',
  'pids.max',
  'io.max',
  'io.weight',
  'blkio.weight',
  'blkio.throttle.read_bps_device',
  'blkio.throttle.write_bps_device',
  'blkio.throttle.read_iops_device',
  'blkio.throttle.write_iops_device',
  'cgroup.freeze',
  'freezer.state',
  'cgroup.subtree_control',
  'cgroup.max.descendants',
  'devices.list',
]);

/** Event counters: file and the keys in it that count events. */
const EVENT_FILES: Record<string, string[]> = {
  'memory.events': ['oom_kill', 'oom', 'max'],
  'memory.oom_control': ['oom_kill'],
  'pids.events': ['max'],
};

const readText = (path: string): Promise<string | undefined> => liveSource.readText(path);

export function hierarchyName(h: Hierarchy): string {
  return h.version === 2 ? 'unified' : h.controllers.join(',');
}

async function readCgroup(
  h: Hierarchy,
  dir: string,
  rel: string,
  files: string[],
): Promise<StateCgroup> {
  const limits: Record<string, string> = {};
  const events: Record<string, number> = {};
  const [procs, ...values] = await Promise.all([
    readText(join(dir, 'cgroup.procs')),
    ...files.map((f) => readText(join(dir, f))),
  ]);
  files.forEach((file, i) => {
    const text = values[i];
    if (text === undefined) return;
    const keys = EVENT_FILES[file];
    if (keys === undefined) {
      limits[file] = text.trim();
      return;
    }
    for (const line of text.split('\n')) {
      const [key, value] = line.trim().split(/\s+/);
      if (key !== undefined && keys.includes(key) && value !== undefined)
        events[`${file.split('.')[0]}.${key}`] = Number(value);
    }
  });
  return {
    mountPoint: h.mountPoint,
    hierarchy: hierarchyName(h),
    path: rel,
    limits,
    events,
    procs: (procs ?? '').split('\n').filter(Boolean).map(Number),
  };
}

async function walkCgroups(h: Hierarchy, base: string): Promise<StateCgroup[]> {
  const out: StateCgroup[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // removed while we looked
    }
    const files = entries
      .filter((e) => !e.isDirectory() && (LIMIT_FILES.has(e.name) || e.name in EVENT_FILES))
      .map((e) => e.name);
    const children = entries.filter((e) => e.isDirectory());
    const [own] = await Promise.all([
      readCgroup(h, dir, rel, files),
      ...children.map((c) => visit(join(dir, c.name), rel === '.' ? c.name : `${rel}/${c.name}`)),
    ]);
    out.push(own);
  };
  await visit(join(h.mountPoint, base), '.');
  return out.sort(
    (a, b) => a.mountPoint.localeCompare(b.mountPoint) || a.path.localeCompare(b.path),
  );
}

async function selfNamespaces(): Promise<NamespaceInodes> {
  const links = await Promise.all(NS_LINKS.map((n) => liveSource.readLink(`/proc/self/ns/${n}`)));
  const out: NamespaceInodes = {};
  NS_LINKS.forEach((n, i) => {
    const inode = links[i] === undefined ? undefined : parseNsLink(links[i] ?? '');
    if (inode !== undefined) out[n] = inode;
  });
  return out;
}

function stateMounts(text: string | undefined): StateMount[] {
  return parseMountinfo(text ?? '').map((m) => ({
    id: m.id,
    mountPoint: m.mountPoint,
    fstype: m.fstype,
    source: m.source,
    root: m.root,
    propagation: m.propagation.kind,
  }));
}

/** Interface names in /proc/PID/net/dev. */
function deviceNames(text: string | undefined): string[] {
  return (text ?? '')
    .split('\n')
    .slice(2)
    .map((l) => l.split(':')[0]?.trim() ?? '')
    .filter(Boolean)
    .sort();
}

/** `nft list ruleset` as one line per rule: `inet t c: tcp dport 80 accept`. */
export function nftRules(text: string): string[] {
  const rules: string[] = [];
  let table = '';
  let chain = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line === '}') continue;
    const t = /^table (\S+) (\S+) \{$/.exec(line);
    if (t !== null) {
      table = `${t[1]} ${t[2]}`;
      chain = '';
      continue;
    }
    const c = /^(chain|set|map|flowtable) (\S+) \{$/.exec(line);
    if (c !== null) {
      chain = `${c[1] === 'chain' ? '' : `${c[1]} `}${c[2]}`;
      continue;
    }
    rules.push(`${table}${chain === '' ? '' : ` ${chain}`}: ${line}`);
  }
  return rules;
}

/** `ip -j route show` → one line per route (`default via 10.0.0.1 dev eth0`). */
function routeLines(json: string): string[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return data.map((r: Record<string, unknown>) =>
    [
      String(r.dst ?? ''),
      r.gateway === undefined ? '' : `via ${String(r.gateway)}`,
      r.dev === undefined ? '' : `dev ${String(r.dev)}`,
      r.prefsrc === undefined ? '' : `src ${String(r.prefsrc)}`,
    ]
      .filter(Boolean)
      .join(' '),
  );
}

const SEP = '@@contlab@@';

/** Interfaces, routes and rules of one network namespace, read inside it. */
async function readNetwork(
  ns: StateNetns,
): Promise<Pick<StateNetns, 'interfaces' | 'routes' | 'rules'>> {
  const file = ns.pid !== null ? `/proc/${ns.pid}/ns/net` : `/run/netns/${ns.names[0] ?? ''}`;
  const script =
    `ip -j -d addr show; echo ${SEP}; ip -j route show; echo ${SEP}; nft list ruleset 2>/dev/null; echo ${SEP}; ` +
    'test -s /proc/self/net/ip_tables_names && iptables-legacy-save 2>/dev/null; true';
  // The host's own interfaces only: its routes and rules are not the lab's.
  const r = ns.host
    ? await run('ip', ['-j', '-d', 'addr', 'show'], { timeoutMs: 10_000 })
    : await run('nsenter', [`--net=${file}`, 'sh', '-c', script], { timeoutMs: 10_000 });
  if (r.code !== 0) return { interfaces: null, routes: null, rules: null };
  const [addr = '', routes = '', nft = '', legacy = ''] = r.stdout.split(`${SEP}\n`);
  const interfaces: StateInterface[] = parseIpAddrJson(addr).map((i) => ({
    name: i.name,
    ifindex: i.ifindex,
    kind: i.kind,
    state: i.state,
    master: null,
    link: null,
    iflink: i.iflink,
    linkNetnsid: i.linkNetnsid,
    addresses: i.addresses.map((a) => `${a.address}/${a.prefixlen}`),
  }));
  // The bridge an interface is plugged into (`master`), the peer in the same namespace (`link`).
  try {
    const raw = JSON.parse(addr) as { ifname?: string; master?: string; link?: string }[];
    for (const i of interfaces) {
      const r = raw.find((x) => x.ifname === i.name);
      i.master = r?.master ?? null;
      i.link = typeof r?.link === 'string' ? r.link : null;
    }
  } catch {
    // parseIpAddrJson already found nothing
  }
  if (ns.host) return { interfaces, routes: null, rules: null };
  const rules = [
    ...nftRules(nft),
    ...legacy
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && l !== 'COMMIT')
      .map((l) => `iptables: ${l}`),
  ];
  return { interfaces, routes: routeLines(routes), rules };
}

async function readNamedNetns(): Promise<Map<number, string[]>> {
  const byInode = new Map<number, string[]>();
  let names: string[] = [];
  try {
    names = await readdir('/run/netns');
  } catch {
    return byInode;
  }
  await Promise.all(
    names.map(async (name) => {
      try {
        const st = await stat(`/run/netns/${name}`);
        byInode.set(st.ino, [...(byInode.get(st.ino) ?? []), name].sort());
      } catch {
        // removed while we looked
      }
    }),
  );
  return byInode;
}

function toStateProcess(p: NonNullable<Awaited<ReturnType<typeof readProcess>>>): StateProcess {
  return {
    pid: p.pid,
    start: p.start,
    ppid: p.ppid,
    comm: p.comm,
    args: p.args,
    nspid: p.nspid,
    ns: p.namespaces,
    cgroups: (p.cgroups ?? []).map((c) => `${c.hierarchyId}:${c.controllers.join(',')}:${c.path}`),
    caps: p.caps,
  };
}

export async function readLabState(
  scope: LabScope,
  options: ReadStateOptions = {},
): Promise<LabState> {
  const at = Date.now();
  const hierarchies = options.hierarchies ?? labHierarchies();
  const [hostNs, cgroupLists, hostMounts, named] = await Promise.all([
    selfNamespaces(),
    Promise.all(hierarchies.map((h) => walkCgroups(h, scope.cgroupPath))),
    readText('/proc/self/mountinfo'),
    readNamedNetns(),
  ]);
  const cgroups = cgroupLists.flat();
  const pids = [...new Set(cgroups.flatMap((c) => c.procs))]
    .filter((pid) => pid !== scope.ownerPid && pid !== process.pid)
    .sort((a, b) => a - b);
  const processes = (await Promise.all(pids.map((pid) => readProcess(pid))))
    .filter((p): p is NonNullable<typeof p> => p !== undefined && p.state !== 'Z')
    .map(toStateProcess);

  // Mount namespaces: the host's, and each one a lab process is in (read through its
  // lowest PID).
  const mountNamespaces: StateMountNs[] = [
    { inode: hostNs.mnt ?? 0, host: true, pid: null, mounts: stateMounts(hostMounts) },
  ];
  const mntHolders = new Map<number, number>();
  for (const p of processes)
    if (p.ns.mnt !== undefined && p.ns.mnt !== hostNs.mnt && !mntHolders.has(p.ns.mnt))
      mntHolders.set(p.ns.mnt, p.pid);
  const labMounts = await Promise.all(
    [...mntHolders].map(async ([inode, pid]) => ({
      inode,
      host: false,
      pid,
      mounts: stateMounts(await readText(`/proc/${pid}/mountinfo`)),
    })),
  );
  mountNamespaces.push(...labMounts.filter((m) => m.mounts.length > 0));

  const pinned = [
    ...new Set(
      parseMountinfo(hostMounts ?? '')
        .filter((m) => m.fstype === 'nsfs')
        .map((m) => parseNsLink(m.root))
        .filter((n): n is number => n !== undefined),
    ),
  ];

  // Network namespaces: the host's, the lab processes', and named ones.
  const netHolders = new Map<number, number | null>([[hostNs.net ?? 0, null]]);
  for (const p of processes)
    if (p.ns.net !== undefined && !netHolders.has(p.ns.net)) netHolders.set(p.ns.net, p.pid);
  for (const inode of named.keys()) if (!netHolders.has(inode)) netHolders.set(inode, null);
  const netns = await Promise.all(
    [...netHolders].map(async ([inode, pid]): Promise<StateNetns> => {
      const host = inode === hostNs.net;
      const dev = host
        ? await readText('/proc/self/net/dev')
        : pid === null
          ? undefined
          : await readText(`/proc/${pid}/net/dev`);
      const ns: StateNetns = {
        inode,
        host,
        names: named.get(inode) ?? [],
        pid: host ? null : pid,
        devices: deviceNames(dev),
        interfaces: null,
        routes: null,
        rules: null,
      };
      if (options.network?.(ns) === true) Object.assign(ns, await readNetwork(ns));
      else {
        const before = options.previous?.netns.find((n) => n.inode === inode);
        if (before !== undefined)
          Object.assign(ns, {
            interfaces: before.interfaces,
            routes: before.routes,
            rules: before.rules,
          });
      }
      return ns;
    }),
  );
  return { at, hostNs, processes, cgroups, mountNamespaces, netns, pinned };
}

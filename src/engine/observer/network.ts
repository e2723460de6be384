/**
 * Interfaces inside a network namespace and the veth cables between namespaces. Reading
 * another namespace's links needs a netlink socket in it, which Node cannot open, so this
 * runs `nsenter --net=NSFILE ip -j -d addr show` (a per-namespace sysfs is not mounted
 * anywhere we could read). Not for the sampler: only on demand (inspect, a network panel).
 *
 * A veth's iflink is its peer's ifindex, but ifindex numbers are per namespace, so the
 * peer is the veth in *another* namespace (or the same one when link_netnsid is absent)
 * with ifindex = our iflink and iflink = our ifindex.
 */
import { run } from '../exec.js';
import type { NamespaceEntry } from './namespaces.js';
import { parseNsLink } from './ns-types.js';
import { liveSource, type KernelSource } from './source.js';

export interface NetAddress {
  family: string;
  address: string;
  prefixlen: number;
}

export interface NetInterface {
  ifindex: number;
  name: string;
  /** `veth`, `bridge`... from linkinfo, else the link type (`loopback`, `ether`). */
  kind: string;
  /** The peer or lower device's ifindex (iflink), when it differs from ifindex. */
  iflink: number | null;
  /** Set when the iflink is in another namespace (its id as seen from this one). */
  linkNetnsid: number | null;
  mac: string | null;
  state: string;
  mtu: number | null;
  addresses: NetAddress[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null;
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function parseAddress(a: unknown): NetAddress | undefined {
  if (!isObject(a)) return undefined;
  const family = str(a.family);
  const address = str(a.local);
  const prefixlen = num(a.prefixlen);
  if (family === null || address === null || prefixlen === null) return undefined;
  return { family, address, prefixlen };
}

/** `ip -j -d addr show` output → interfaces. */
export function parseIpAddrJson(text: string): NetInterface[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const out: NetInterface[] = [];
  for (const link of data) {
    if (!isObject(link)) continue;
    const ifindex = num(link.ifindex);
    const name = str(link.ifname);
    if (ifindex === null || name === null) continue;
    const info = isObject(link.linkinfo) ? str(link.linkinfo.info_kind) : null;
    const addrs = Array.isArray(link.addr_info) ? link.addr_info : [];
    out.push({
      ifindex,
      name,
      kind: info ?? str(link.link_type) ?? 'unknown',
      iflink: num(link.link_index),
      linkNetnsid: num(link.link_netnsid),
      mac: str(link.address),
      state: str(link.operstate) ?? 'UNKNOWN',
      mtu: num(link.mtu),
      addresses: addrs.map(parseAddress).filter((a): a is NetAddress => a !== undefined),
    });
  }
  return out;
}

/** Interfaces of the network namespace at `nsFile` (/proc/PID/ns/net or /run/netns/NAME). */
export async function readInterfaces(nsFile: string): Promise<NetInterface[] | undefined> {
  const r = await run('nsenter', [`--net=${nsFile}`, 'ip', '-j', '-d', 'addr', 'show'], {
    timeoutMs: 10_000,
  });
  return r.code === 0 ? parseIpAddrJson(r.stdout) : undefined;
}

export interface NetnsView {
  inode: number;
  /** A file that names the namespace: a holder's /proc/PID/ns/net, or a /run/netns bind. */
  nsFile: string;
  /** Lowest PID in it, or null for a namespace only a bind mount keeps alive. */
  pid: number | null;
  interfaces: NetInterface[] | null;
}

/**
 * Every network namespace: those processes are in (from the namespace table) and those
 * `ip netns add` keeps alive in /run/netns without any process.
 */
export async function listNetns(
  table: NamespaceEntry[],
  source: KernelSource = liveSource,
): Promise<{ inode: number; nsFile: string; pid: number | null }[]> {
  const out = table
    .filter((e) => e.type === 'net')
    .map((e) => ({ inode: e.inode, nsFile: `/proc/${e.pid}/ns/net`, pid: e.pid as number | null }));
  const seen = new Set(out.map((e) => e.inode));
  for (const name of (await source.listDir('/run/netns')) ?? []) {
    const nsFile = `/run/netns/${name}`;
    const id = await source.fileId(nsFile);
    if (id === undefined || seen.has(id.ino)) continue;
    seen.add(id.ino);
    out.push({ inode: id.ino, nsFile, pid: null });
  }
  return out;
}

export async function readNetnsViews(
  table: NamespaceEntry[],
  source: KernelSource = liveSource,
): Promise<NetnsView[]> {
  const all = await listNetns(table, source);
  return Promise.all(
    all.map(async (ns) => ({ ...ns, interfaces: (await readInterfaces(ns.nsFile)) ?? null })),
  );
}

export interface VethEnd {
  netns: number;
  ifindex: number;
  name: string;
}

export interface VethPair {
  a: VethEnd;
  b: VethEnd;
}

/** Matches veth ends across namespaces into cables, each pair listed once. */
export function findVethPairs(views: NetnsView[]): VethPair[] {
  const ends: (VethEnd & { iflink: number; crossNs: boolean })[] = [];
  for (const v of views) {
    for (const i of v.interfaces ?? []) {
      if (i.kind !== 'veth' || i.iflink === null) continue;
      ends.push({
        netns: v.inode,
        ifindex: i.ifindex,
        name: i.name,
        iflink: i.iflink,
        crossNs: i.linkNetnsid !== null,
      });
    }
  }
  const pairs: VethPair[] = [];
  const used = new Set<string>();
  const key = (e: VethEnd): string => `${e.netns}:${e.ifindex}`;
  for (const a of ends) {
    if (used.has(key(a))) continue;
    const b = ends.find(
      (x) =>
        !used.has(key(x)) &&
        x !== a &&
        x.ifindex === a.iflink &&
        x.iflink === a.ifindex &&
        (a.crossNs ? x.netns !== a.netns : x.netns === a.netns),
    );
    if (b === undefined) continue;
    used.add(key(a));
    used.add(key(b));
    pairs.push({
      a: { netns: a.netns, ifindex: a.ifindex, name: a.name },
      b: { netns: b.netns, ifindex: b.ifindex, name: b.name },
    });
  }
  return pairs;
}

/** The net namespace inode of `pid`, or undefined. */
export async function netnsOf(
  pid: number,
  source: KernelSource = liveSource,
): Promise<number | undefined> {
  const link = await source.readLink(`/proc/${pid}/ns/net`);
  return link === undefined ? undefined : parseNsLink(link);
}

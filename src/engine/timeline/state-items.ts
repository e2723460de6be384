/**
 * What changed between two looks at the lab, for what the process events do not tell:
 * cgroups made, removed, limits written, processes moved, event counters (oom_kill) risen;
 * mounts added, removed or with another propagation; interfaces, routes and rules of the
 * network namespaces. Pure: two LabStates (and what the cgroup watch saw in between) in,
 * items out.
 */
import type { CgroupWrite } from './cgroup-watch.js';
import type {
  LabState,
  StateCgroup,
  StateInterface,
  StateMount,
  StateMountNs,
  StateNetns,
  TimelineItem,
} from './types.js';
import { english, phrase } from '../../i18n/phrase.js';

export interface StateWindow {
  before: LabState;
  after: LabState;
  /** Writes to cgroup files the cgroup watch saw (it sees a write of an unchanged value). */
  writes: readonly CgroupWrite[];
}

const cgKey = (c: { mountPoint: string; path: string }): string => `${c.mountPoint}\0${c.path}`;

/** Limit files whose value in a new group says something (not the kernel's "no limit"). */
const LIMITS = new Set([
  'memory.max',
  'memory.high',
  'memory.limit_in_bytes',
  'memory.memsw.limit_in_bytes',
  'cpu.max',
  'cpu.cfs_quota_us',
  'pids.max',
  'io.max',
  'blkio.throttle.read_bps_device',
  'blkio.throttle.write_bps_device',
  'blkio.throttle.read_iops_device',
  'blkio.throttle.write_iops_device',
]);
const UNLIMITED = /^(max|-1|9223372036854771712|9223372036854775807|max \d+|)$/;

function limiting(file: string, value: string): boolean {
  return LIMITS.has(file) && !UNLIMITED.test(value.trim());
}

function cgroupItems(w: StateWindow): TimelineItem[] {
  const items: TimelineItem[] = [];
  const before = new Map(w.before.cgroups.map((c) => [cgKey(c), c]));
  const after = new Map(w.after.cgroups.map((c) => [cgKey(c), c]));
  const base = (c: StateCgroup, change: 'made' | 'removed'): TimelineItem => ({
    kind: 'cgroup',
    change,
    path: c.path,
    hierarchy: c.hierarchy,
    file: null,
    before: null,
    after: null,
    pid: null,
    command: null,
  });
  for (const [key, c] of after) if (!before.has(key)) items.push(base(c, 'made'));
  for (const [key, c] of before) if (!after.has(key)) items.push(base(c, 'removed'));
  const written = new Set(
    w.writes.filter((x) => x.kind === 'write').map((x) => `${cgKey(x)}\0${x.file}`),
  );
  for (const [key, c] of after) {
    const old = before.get(key);
    for (const [file, value] of Object.entries(c.limits)) {
      const was = old?.limits[file];
      const wrote = written.has(`${key}\0${file}`);
      // A group made during the command was watched only once the kernel said it was there:
      // a limit written right after the mkdir may come before; one that limits is shown.
      if (old === undefined ? !wrote && !limiting(file, value) : was === value && !wrote) continue;
      items.push({
        kind: 'cgroup',
        change: 'limit',
        path: c.path,
        hierarchy: c.hierarchy,
        file,
        before: was ?? null,
        after: value,
        pid: null,
        command: null,
      });
    }
    for (const [counter, n] of Object.entries(c.events)) {
      const was = old?.events[counter] ?? 0;
      if (n <= was) continue;
      items.push({
        kind: 'cgroup',
        change: 'event',
        path: c.path,
        hierarchy: c.hierarchy,
        file: counter,
        before: String(was),
        after: String(n),
        pid: null,
        command: null,
      });
    }
  }
  // Processes moved: seen by the watch as they were written in, or from the two looks.
  const moved = new Set<string>();
  for (const m of w.writes) {
    if (m.kind !== 'moved') continue;
    const key = `${m.pid}\0${m.mountPoint}\0${m.path}`;
    if (moved.has(key)) continue;
    moved.add(key);
    items.push({
      kind: 'cgroup',
      change: 'moved',
      path: m.path,
      hierarchy: m.hierarchy,
      file: null,
      before: null,
      after: null,
      pid: m.pid,
      command: m.command,
    });
  }
  const wasIn = new Map<number, Set<string>>();
  for (const c of w.before.cgroups)
    for (const pid of c.procs) wasIn.set(pid, (wasIn.get(pid) ?? new Set()).add(cgKey(c)));
  const startOf = new Map(w.before.processes.map((p) => [p.pid, p.start]));
  for (const p of w.after.processes) {
    if (startOf.get(p.pid) !== p.start) continue; // new: its start is no move
    for (const c of w.after.cgroups) {
      if (!c.procs.includes(p.pid) || wasIn.get(p.pid)?.has(cgKey(c)) === true) continue;
      const key = `${p.pid}\0${c.mountPoint}\0${c.path}`;
      if (moved.has(key)) continue;
      moved.add(key);
      items.push({
        kind: 'cgroup',
        change: 'moved',
        path: c.path,
        hierarchy: c.hierarchy,
        file: null,
        before: null,
        after: null,
        pid: p.pid,
        command: p.args.join(' ') || p.comm,
      });
    }
  }
  return items;
}

const mountLabel = (m: StateMount): string =>
  `${m.mountPoint}\0${m.fstype}\0${m.source}\0${m.root}`;

function mountItem(
  ns: StateMountNs,
  m: StateMount,
  change: 'added' | 'removed' | 'propagation',
  before: string | null = null,
): TimelineItem {
  return {
    kind: 'mount',
    change,
    mntns: ns.inode,
    host: ns.host,
    mountPoint: m.mountPoint,
    fstype: m.fstype,
    source: m.source,
    propagation: m.propagation,
    before,
  };
}

/** At most this many propagation changes are listed one by one (unshare changes them all). */
const MAX_PROPAGATION_ITEMS = 4;

function mountItems(w: StateWindow): TimelineItem[] {
  const items: TimelineItem[] = [];
  const before = new Map(w.before.mountNamespaces.map((n) => [n.inode, n]));
  const host = w.after.mountNamespaces.find((n) => n.host);
  for (const ns of w.after.mountNamespaces) {
    const old = before.get(ns.inode);
    if (old === undefined) {
      // A new mount namespace: what it has that the host does not.
      const hostLabels = new Set((host?.mounts ?? []).map(mountLabel));
      for (const m of ns.mounts)
        if (!hostLabels.has(mountLabel(m))) items.push(mountItem(ns, m, 'added'));
      continue;
    }
    const oldById = new Map(old.mounts.map((m) => [m.id, m]));
    const newIds = new Set(ns.mounts.map((m) => m.id));
    const propagation: TimelineItem[] = [];
    for (const m of ns.mounts) {
      const was = oldById.get(m.id);
      if (was === undefined) items.push(mountItem(ns, m, 'added'));
      else if (was.propagation !== m.propagation)
        propagation.push(mountItem(ns, m, 'propagation', was.propagation));
    }
    for (const m of old.mounts) if (!newIds.has(m.id)) items.push(mountItem(ns, m, 'removed'));
    if (propagation.length > MAX_PROPAGATION_ITEMS) {
      const first =
        propagation[0]?.kind === 'mount'
          ? `${propagation[0].mountPoint} ${propagation[0].before} → ${propagation[0].propagation}`
          : '';
      const count = String(propagation.length);
      const said = ns.host
        ? phrase('timeline.note.propagation', { count, first })
        : phrase('timeline.note.propagationIn', { count, inode: String(ns.inode), first });
      items.push({ kind: 'note', text: english(said), said });
    } else items.push(...propagation);
  }
  return items;
}

function detailOf(i: StateInterface): string {
  return [
    i.state,
    i.master === null ? '' : `master ${i.master}`,
    i.addresses.length > 0 ? i.addresses.join(' ') : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The other end of a veth, in the same namespace or another (by ifindex and iflink). */
function peerOf(state: LabState, ns: StateNetns, i: StateInterface): string | null {
  if (i.kind !== 'veth') return null;
  if (i.link !== null) return i.link;
  if (i.iflink === null) return null;
  if (i.linkNetnsid === null) {
    const p = ns.interfaces?.find((x) => x.ifindex === i.iflink);
    return p === undefined ? null : p.name;
  }
  for (const other of state.netns) {
    if (other.inode === ns.inode) continue;
    const p = other.interfaces?.find(
      (x) => x.kind === 'veth' && x.ifindex === i.iflink && x.iflink === i.ifindex,
    );
    if (p !== undefined)
      return `${p.name} (in ${other.host ? "the host's network namespace" : `net namespace ${other.inode}`})`;
  }
  return 'in another network namespace';
}

function networkItems(w: StateWindow): TimelineItem[] {
  const items: TimelineItem[] = [];
  const before = new Map(w.before.netns.map((n) => [n.inode, n]));
  for (const ns of w.after.netns) {
    const old = before.get(ns.inode);
    const iface = (
      i: StateInterface | { name: string },
      change: 'added' | 'removed' | 'changed',
      detail: string,
      state: LabState,
      holder: StateNetns,
    ): TimelineItem => ({
      kind: 'interface',
      change,
      netns: ns.inode,
      host: ns.host,
      name: i.name,
      type: 'kind' in i ? i.kind : 'interface',
      peer: 'kind' in i ? peerOf(state, holder, i) : null,
      detail,
    });
    if (ns.interfaces !== null && old?.interfaces != null) {
      const was = new Map(old.interfaces.map((i) => [i.name, i]));
      const now = new Set(ns.interfaces.map((i) => i.name));
      for (const i of ns.interfaces) {
        const o = was.get(i.name);
        if (o === undefined || o.ifindex !== i.ifindex)
          items.push(iface(i, 'added', detailOf(i), w.after, ns));
        else if (detailOf(o) !== detailOf(i))
          items.push(
            iface(i, 'changed', `${detailOf(o) || '-'} → ${detailOf(i) || '-'}`, w.after, ns),
          );
      }
      for (const o of old.interfaces)
        if (!now.has(o.name)) items.push(iface(o, 'removed', '', w.before, old));
    } else if (old === undefined && ns.interfaces !== null) {
      for (const i of ns.interfaces) items.push(iface(i, 'added', detailOf(i), w.after, ns));
    } else {
      // Only the names are known (nothing that changes interfaces ran).
      const was = new Set(old?.devices ?? []);
      const now = new Set(ns.devices);
      for (const name of ns.devices)
        if (!was.has(name)) items.push(iface({ name }, 'added', '', w.after, ns));
      for (const name of old?.devices ?? [])
        if (!now.has(name)) items.push(iface({ name }, 'removed', '', w.before, ns));
    }
    const setItems = (
      a: string[] | null | undefined,
      b: string[] | null | undefined,
      make: (change: 'added' | 'removed', line: string) => TimelineItem,
    ): void => {
      if (b == null || (a == null && old !== undefined)) return;
      const was = new Set(a ?? []);
      const now = new Set(b);
      for (const line of b) if (!was.has(line)) items.push(make('added', line));
      for (const line of a ?? []) if (!now.has(line)) items.push(make('removed', line));
    };
    setItems(old?.routes, ns.routes, (change, route) => ({
      kind: 'route',
      change,
      netns: ns.inode,
      route,
    }));
    setItems(old?.rules, ns.rules, (change, rule) => ({
      kind: 'rule',
      change,
      netns: ns.inode,
      tool: rule.startsWith('iptables: ') ? 'iptables' : 'nft',
      rule: rule.replace(/^iptables: /, ''),
    }));
  }
  return items;
}

export function stateItems(w: StateWindow): TimelineItem[] {
  return [...cgroupItems(w), ...mountItems(w), ...networkItems(w)];
}

/**
 * What the lab's processes did during one command, from the kernel's process events (and
 * the two looks at the lab around it, for what the events cannot say): which processes
 * ran, with their PID in every PID namespace; which namespaces came, went or were joined;
 * how capability sets changed at each exec.
 */
import { decodeCaps, parseCapMask } from '../observer/capabilities.js';
import type { CapSetsHex } from '../observer/proc-parse.js';
import { NS_LINKS, type NamespaceInodes, type NsLink, type NsType } from '../observer/ns-types.js';
import { describeExit, type ProcEvent } from './proc-events.js';
import type { LabState, StateProcess, TimelineItem } from './types.js';

/** More than this many processes in one command: the rest are summed up in one line. */
export const MAX_PROCESS_ITEMS = 24;

export interface ProcessWindow {
  before: LabState;
  after: LabState;
  /** The command's process events, oldest first (the lab's own processes left out). */
  events: readonly ProcEvent[];
  /** Namespace inodes known to exist before the command (the observer's last look). */
  known: ReadonlySet<number>;
}

interface Proc {
  pid: number;
  ppid: number | null;
  nspid: number[];
  /** Started during the command (a fork was seen). */
  forked: boolean;
  /** Was there before the command. */
  existed: boolean;
  commands: string[];
  end: string | null;
  /** Its wait status when it ended (what `end` says in words). */
  status: number | null;
  /** Namespaces at each event (fork, exec...), in order. */
  seen: NamespaceInodes[];
  caps: CapSetsHex | null;
}

const typeOf = (link: NsLink): NsType =>
  link === 'pid_for_children' ? 'pid' : link === 'time_for_children' ? 'time' : link;

function commandLine(args: readonly string[], comm: string): string {
  return args.length > 0 ? args.join(' ') : comm;
}

/** Namespace types `unshare ARGS` asks for (its options, before the program). */
export function unshareTypes(args: readonly string[]): NsType[] {
  const out = new Set<NsType>();
  const long: Record<string, NsType> = {
    mount: 'mnt',
    uts: 'uts',
    ipc: 'ipc',
    net: 'net',
    pid: 'pid',
    user: 'user',
    cgroup: 'cgroup',
    time: 'time',
  };
  const short: Record<string, NsType> = {
    m: 'mnt',
    u: 'uts',
    i: 'ipc',
    n: 'net',
    p: 'pid',
    U: 'user',
    C: 'cgroup',
    T: 'time',
    r: 'user',
  };
  for (const arg of args.slice(1)) {
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] ?? '';
      const t = long[name] ?? (name === 'map-root-user' ? 'user' : undefined);
      if (t !== undefined) out.add(t);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (const c of arg.slice(1)) {
        const t = short[c];
        if (t !== undefined) out.add(t);
      }
    } else break; // the program: its own options are not unshare's
  }
  return [...out];
}

function capChanges(
  pid: number,
  command: string,
  from: CapSetsHex,
  to: CapSetsHex,
): TimelineItem[] {
  const groups = new Map<string, { sets: string[]; dropped: string[]; added: string[] }>();
  for (const set of ['bounding', 'permitted', 'effective', 'inheritable', 'ambient'] as const) {
    const a = parseCapMask(from[set]);
    const b = parseCapMask(to[set]);
    if (a === b) continue;
    const dropped = decodeCaps(a & ~b);
    const added = decodeCaps(b & ~a);
    // A whole set dropped at once is better said in a number than in 41 names.
    const key = `${dropped.join(',')}|${added.join(',')}`;
    const g = groups.get(key) ?? { sets: [], dropped, added };
    g.sets.push(set);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ kind: 'capabilities', pid, command, ...g }));
}

/** The process, namespace and capability items of one command. */
export function processItems(w: ProcessWindow): TimelineItem[] {
  const before = new Map(w.before.processes.map((p) => [p.pid, p]));
  const after = new Map(w.after.processes.map((p) => [p.pid, p]));
  const procs = new Map<number, Proc>();
  const order: number[] = [];
  const get = (pid: number, ppid: number | null): Proc => {
    let p = procs.get(pid);
    if (p === undefined) {
      const known = before.get(pid);
      p = {
        pid,
        ppid: ppid ?? known?.ppid ?? null,
        nspid: known?.nspid ?? [pid],
        forked: false,
        existed: known !== undefined,
        commands: [],
        end: null,
        status: null,
        seen: known === undefined ? [] : [known.ns],
        caps: known?.caps ?? null,
      };
      procs.set(pid, p);
      order.push(pid);
    }
    return p;
  };
  const capItems: TimelineItem[] = [];
  const capsOf = (pid: number | null): CapSetsHex | null =>
    pid === null ? null : (procs.get(pid)?.caps ?? before.get(pid)?.caps ?? null);

  for (const e of w.events) {
    if (e.kind === 'fork') {
      const parent =
        procs.get(e.parent) ?? (before.has(e.parent) ? get(e.parent, null) : undefined);
      const p = get(e.pid, e.parent);
      p.forked = !p.existed;
      p.seen.push(e.ns);
      p.caps ??= parent?.caps ?? capsOf(e.parent);
      if (p.commands.length === 0 && parent !== undefined) {
        const last = parent.commands[parent.commands.length - 1];
        const was = last ?? commandOfState(before.get(e.parent));
        if (was !== undefined) p.commands.push(was.endsWith(' (fork)') ? was : `${was} (fork)`);
      }
    } else if (e.kind === 'exec') {
      const p = get(e.pid, e.read ? e.ppid : null);
      if (p.commands.length === 1 && p.commands[0]?.endsWith(' (fork)') === true) p.commands = [];
      p.commands.push(e.read ? commandLine(e.args, e.comm) : '(ended before it could be read)');
      if (!e.read) continue;
      if (e.nspid.length > 0) p.nspid = e.nspid;
      p.seen.push(e.ns);
      const prior = p.caps ?? capsOf(p.ppid);
      if (prior !== null && e.caps !== null)
        capItems.push(...capChanges(e.pid, commandLine(e.args, e.comm), prior, e.caps));
      p.caps = e.caps ?? p.caps;
    } else if (e.kind === 'exit') {
      const p = procs.get(e.pid) ?? (before.has(e.pid) ? get(e.pid, null) : undefined);
      if (p !== undefined) {
        p.end = describeExit(e.status);
        p.status = e.status;
      }
    }
  }

  // A child that had not exec'd yet when the prompt came (`sleep 9 &`): what it runs now.
  for (const [pid, p] of procs) {
    const now = after.get(pid);
    const only = p.commands.length === 1 && p.commands[0]?.endsWith(' (fork)') === true;
    if (!p.forked || now === undefined || !(p.commands.length === 0 || only)) continue;
    const line = commandLine(now.args, now.comm);
    if (p.commands[0] !== `${line} (fork)`) p.commands = [line];
  }

  // Processes the events missed (not started from a lab shell, or events lost).
  for (const p of w.after.processes)
    if (!before.has(p.pid) && !procs.has(p.pid)) {
      const q = get(p.pid, p.ppid);
      q.forked = true;
      q.nspid = p.nspid;
      q.commands.push(commandLine(p.args, p.comm));
      q.seen.push(p.ns);
    }
  for (const p of w.before.processes) {
    const now = after.get(p.pid);
    if ((now === undefined || now.start !== p.start) && procs.get(p.pid)?.end == null) {
      const q = get(p.pid, p.ppid);
      q.end ??= 'ended';
    }
    // Capabilities changed without an exec the events saw.
    if (now !== undefined && now.start === p.start && !procs.has(p.pid) && p.caps && now.caps)
      capItems.push(...capChanges(p.pid, commandLine(now.args, now.comm), p.caps, now.caps));
  }

  const items: TimelineItem[] = [
    ...namespaceItems(w, procs, order, before),
    ...processLines(procs, order, before, after),
    ...capItems,
  ];
  return items;
}

function commandOfState(p: StateProcess | undefined): string | undefined {
  return p === undefined ? undefined : commandLine(p.args, p.comm);
}

function processLines(
  procs: Map<number, Proc>,
  order: number[],
  before: Map<number, StateProcess>,
  after: Map<number, StateProcess>,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let skipped = 0;
  let skippedRan = 0;
  const skippedCommands: string[] = [];
  for (const pid of order) {
    const p = procs.get(pid);
    if (p === undefined) continue;
    let change: 'ran' | 'started' | 'exec' | 'exited';
    if (p.existed) {
      if (p.end !== null) change = 'exited';
      else if (p.commands.length > 0) change = 'exec';
      else continue; // forked from, nothing else
    } else change = p.end !== null ? 'ran' : 'started';
    const commands =
      p.commands.length > 0
        ? p.commands
        : [commandOfState(before.get(pid) ?? after.get(pid)) ?? '?'];
    if (items.length >= MAX_PROCESS_ITEMS) {
      skipped++;
      if (change === 'ran') skippedRan++;
      const c = commands[commands.length - 1] ?? '?';
      if (!skippedCommands.includes(c) && skippedCommands.length < 5) skippedCommands.push(c);
      continue;
    }
    items.push({
      kind: 'process',
      change,
      pid,
      nspid: p.nspid,
      ppid: p.ppid,
      commands,
      end: p.end,
      ...(p.status === null ? {} : { status: p.status }),
    });
  }
  if (skipped > 0)
    items.push({ kind: 'processes', count: skipped, ran: skippedRan, commands: skippedCommands });
  return items;
}

function namespaceItems(
  w: ProcessWindow,
  procs: Map<number, Proc>,
  order: number[],
  before: Map<number, StateProcess>,
): TimelineItem[] {
  const host = new Set(Object.values(w.before.hostNs).concat(Object.values(w.after.hostNs)));
  const held = (state: LabState): Set<number> => {
    const s = new Set<number>(state.pinned);
    for (const p of state.processes) for (const v of Object.values(p.ns)) s.add(v);
    for (const n of state.netns) if (n.names.length > 0) s.add(n.inode);
    return s;
  };
  const heldBefore = held(w.before);
  const heldAfter = held(w.after);
  const existed = (inode: number): boolean =>
    host.has(inode) || heldBefore.has(inode) || w.known.has(inode);

  const unshareAsked = (pid: number, type: NsType): boolean => {
    const p = procs.get(pid);
    const parent = p?.ppid == null ? undefined : procs.get(p.ppid);
    return [...(p?.commands ?? []), ...(parent?.commands ?? [])].some(
      (c) => /^(\S*\/)?unshare( |$)/.test(c) && unshareTypes(c.split(' ')).includes(type),
    );
  };
  const found = new Map<
    string,
    { type: NsType; inode: number; pids: number[]; command: string; joined: boolean }
  >();
  for (const pid of order) {
    const p = procs.get(pid);
    if (p === undefined) continue;
    let previous: NamespaceInodes | undefined;
    for (const ns of p.seen) {
      for (const link of NS_LINKS) {
        const inode = ns[link];
        if (inode === undefined || host.has(inode)) continue;
        const type = typeOf(link);
        const key = `${type}:${inode}`;
        const f = found.get(key);
        if (f !== undefined) {
          if (!f.pids.includes(pid)) f.pids.push(pid);
          continue;
        }
        // The observer's last look may be a second old: an inode it saw may have been freed
        // and given to this namespace since. What `unshare` asked for is new all the same.
        const isNew = !existed(inode) || unshareAsked(pid, type);
        // Joined: an existing namespace this process was not in a moment ago.
        const joined = !isNew && previous !== undefined && previous[link] !== inode;
        if (!isNew && !joined) continue;
        const command = p.commands[p.commands.length - 1] ?? commandOfState(before.get(pid)) ?? '?';
        found.set(key, { type, inode, pids: [pid], command, joined });
      }
      previous = ns;
    }
  }
  const items: TimelineItem[] = [];
  for (const f of found.values()) {
    const change = f.joined ? 'joined' : heldAfter.has(f.inode) ? 'created' : 'created and gone';
    items.push({
      kind: 'namespace',
      change,
      type: f.type,
      inode: f.inode,
      pids: f.pids,
      command: f.command,
    });
  }
  // What `unshare` asked for, when its process ended before its namespaces could be read.
  for (const pid of order) {
    const p = procs.get(pid);
    const first = p?.commands.find((c) => /^(\S*\/)?unshare( |$)/.test(c));
    if (p === undefined || first === undefined || p.end === null) continue;
    for (const type of unshareTypes(first.split(' '))) {
      const seen = items.some(
        (i) =>
          i.kind === 'namespace' &&
          i.type === type &&
          i.pids.some((x) => x === pid || procs.get(x)?.ppid === pid),
      );
      if (!seen)
        items.push({
          kind: 'namespace',
          change: 'created and gone',
          type,
          inode: null,
          pids: [pid],
          command: first,
        });
    }
  }
  // Namespaces the lab's processes held before and nothing holds now.
  const gone = new Map<string, { type: NsType; inode: number; pids: number[]; command: string }>();
  for (const p of w.before.processes) {
    for (const link of NS_LINKS) {
      const inode = p.ns[link];
      if (inode === undefined || host.has(inode) || heldAfter.has(inode)) continue;
      const type = typeOf(link);
      const key = `${type}:${inode}`;
      if (found.has(key)) continue;
      const g = gone.get(key) ?? { type, inode, pids: [], command: commandLine(p.args, p.comm) };
      if (!g.pids.includes(p.pid)) g.pids.push(p.pid);
      gone.set(key, g);
    }
  }
  for (const g of gone.values()) items.push({ kind: 'namespace', change: 'gone', ...g });
  return items;
}

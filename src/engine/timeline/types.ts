/**
 * The timeline's data: what one command the learner ran did to the kernel (an entry, made of
 * items), and one look at the lab's kernel state (a LabState) that entries are the
 * differences of. Everything here is plain JSON: entries go to a file, across the VM's wire
 * and to `contlab timeline --json` as they are.
 */
import type { CapSetsHex } from '../observer/proc-parse.js';
import type { NamespaceInodes, NsType } from '../observer/ns-types.js';
import type { PhraseValue } from '../../i18n/phrase.js';
import type { SaidLines } from '../said-lines.js';

export type TimelineItem =
  /** A namespace came or went, or a process joined an existing one (nsenter, setns). */
  | {
      kind: 'namespace';
      change: 'created' | 'gone' | 'created and gone' | 'joined';
      type: NsType;
      /** null when the process ended before its namespace could be read. */
      inode: number | null;
      /** Host PIDs of the lab's processes seen in it (the first made or joined it). */
      pids: number[];
      /** The command of the first of them. */
      command: string;
    }
  /**
   * A process: `ran` (started and ended during the command), `started` (still running),
   * `exec` (one that was there before ran a new program), `exited` (one that was there
   * before ended). `nspid` is its PID in each PID namespace, the host's first.
   */
  | {
      kind: 'process';
      change: 'ran' | 'started' | 'exec' | 'exited';
      pid: number;
      nspid: number[];
      ppid: number | null;
      /** The programs it ran, in order (`unshare --net true`, then `true`). */
      commands: string[];
      /** `exit 0`, `killed by SIGKILL`... when it ended. */
      end: string | null;
      /** The wait status `end` describes (see exitOf); absent in files from before it. */
      status?: number;
    }
  /** Several processes in one line, when a command started more than the timeline lists. */
  | { kind: 'processes'; count: number; ran: number; commands: string[] }
  | {
      kind: 'cgroup';
      change: 'made' | 'removed' | 'moved' | 'limit' | 'event';
      /** Relative to the lab's cgroup (`contlab-web`), `.` for the lab's own. */
      path: string;
      /** The hierarchy (`memory`, `cpu,cpuacct`; `unified` for v2). */
      hierarchy: string;
      /** The file written (limit) or counting (event: `memory.events`). */
      file: string | null;
      before: string | null;
      after: string | null;
      /** The process moved (moved). */
      pid: number | null;
      command: string | null;
    }
  | {
      kind: 'capabilities';
      pid: number;
      command: string;
      /** The sets that changed the same way: `bounding`, `permitted`, `effective`... */
      sets: string[];
      dropped: string[];
      added: string[];
    }
  | {
      kind: 'mount';
      change: 'added' | 'removed' | 'propagation';
      /** The mount namespace's inode; `host` when it is the host's own. */
      mntns: number;
      host: boolean;
      mountPoint: string;
      fstype: string;
      source: string;
      /** shared, slave, private... (and what it was, for a change) */
      propagation: string;
      before: string | null;
    }
  | {
      kind: 'interface';
      change: 'added' | 'removed' | 'changed';
      netns: number;
      host: boolean;
      name: string;
      /** veth, bridge, loopback... */
      type: string;
      /** The other end of a veth (its name, and where it is when not here). */
      peer: string | null;
      /** state, addresses, master: what it is now (added) or what changed (changed). */
      detail: string;
    }
  | { kind: 'route'; change: 'added' | 'removed'; netns: number; route: string }
  | {
      kind: 'rule';
      change: 'added' | 'removed';
      netns: number;
      tool: 'nft' | 'iptables';
      rule: string;
    }
  /** Something the reader should know about the entry itself (events lost...). */
  /** `text` is the note's English; `said` the same as a phrase, for the screen's language. */
  | { kind: 'note'; text: string; said?: PhraseValue };

export type TimelineItemKind = TimelineItem['kind'];

export interface TimelineEntry {
  /** 1, 2, ... in the order the entries were made. */
  seq: number;
  /** A command from the lab shell, or an undo of the step's kernel state. */
  kind: 'command' | 'undo';
  /** The command line (as typed when the shell did not say, see `typed`). */
  command: string;
  /** The command line came from the keys typed, not from the shell's history. */
  typed: boolean;
  exitStatus: number | null;
  /** When the command was started and when the next prompt came (ms since the epoch). */
  startedAt: number;
  endedAt: number;
  /** The step that was open. */
  step: { number: number; id: string } | null;
  items: TimelineItem[];
  /** Undo: what was removed, and what could not be (English). */
  undone?: string[];
  errors?: string[];
  /** Undo: each of those lines' phrase, under its English (left out of --json). */
  said?: SaidLines;
}

export interface StateProcess {
  pid: number;
  start: number;
  ppid: number;
  comm: string;
  args: string[];
  nspid: number[];
  ns: NamespaceInodes;
  /** `ID:CONTROLLERS:PATH` lines of /proc/PID/cgroup. */
  cgroups: string[];
  caps: CapSetsHex | null;
}

export interface StateCgroup {
  /** The hierarchy's mount point (/sys/fs/cgroup/memory). */
  mountPoint: string;
  hierarchy: string;
  /** Relative to the lab's cgroup: `.`, `contlab-web`, `contlab-web/child`. */
  path: string;
  /** Limit files and their (trimmed) contents. */
  limits: Record<string, string>;
  /** Event counters: `oom_kill`, `max` (pids)... */
  events: Record<string, number>;
  procs: number[];
}

export interface StateMount {
  id: number;
  mountPoint: string;
  fstype: string;
  source: string;
  root: string;
  propagation: string;
}

export interface StateMountNs {
  inode: number;
  host: boolean;
  /** A process that sees it (its mount table was read through /proc/PID). */
  pid: number | null;
  mounts: StateMount[];
}

export interface StateInterface {
  name: string;
  ifindex: number;
  kind: string;
  state: string;
  master: string | null;
  /** The peer's name, when it is in the same namespace (ip names it). */
  link: string | null;
  /** veth: the peer's ifindex (iflink) and, across namespaces, its netns id. */
  iflink: number | null;
  linkNetnsid: number | null;
  addresses: string[];
}

export interface StateNetns {
  inode: number;
  host: boolean;
  /** Names under /run/netns that keep it. */
  names: string[];
  /** A process in it, whose /proc/PID/ns/net names it (null: only a name keeps it). */
  pid: number | null;
  /** Interface names (from /proc/PID/net/dev: cheap, read every time). */
  devices: string[];
  /** Read with `ip` and `nft` (only when a command may have changed them). */
  interfaces: StateInterface[] | null;
  routes: string[] | null;
  rules: string[] | null;
}

/** One look at the lab's kernel objects (JSON-safe: a step's mark keeps one in a file). */
export interface LabState {
  at: number;
  hostNs: NamespaceInodes;
  processes: StateProcess[];
  cgroups: StateCgroup[];
  mountNamespaces: StateMountNs[];
  netns: StateNetns[];
  /** Namespaces kept alive by a bind mount of their nsfs file (ip netns add): inodes. */
  pinned: number[];
}

/**
 * The timeline recorder: one entry per command the learner runs in a lab shell, from prompt
 * to prompt. The shell marks when a command starts and when the next prompt comes
 * (shell-markers.ts); in between, the kernel's process events (proc-events.ts) and the
 * cgroup watch (cgroup-watch.ts) collect what happened as it happened, and at the prompt a
 * look at the lab (lab-state.ts) is compared with the look before the command. The entry is
 * appended to a file (one JSON line, one write: readers never see half an entry) and handed
 * to the listeners.
 *
 * In a shell that marks nothing (busybox sh in a container), a command is the line typed up
 * to Enter, and it ends at the next Enter or when the terminal goes quiet.
 */
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Hierarchy } from '../cgroupfs.js';
import { labHierarchies } from '../cgroupfs.js';
import { messageOf } from '../errors.js';
import { TypedEmitter } from '../observer/emitter.js';
import { CgroupWatch } from './cgroup-watch.js';
import { readLabState, type LabScope } from './lab-state.js';
import { processItems } from './process-items.js';
import type { ProcEvent, ProcWatch } from './proc-events.js';
import type { ShellMarker } from './shell-markers.js';
import { stateItems } from './state-items.js';
import type { LabState, StateNetns, TimelineEntry, TimelineItem } from './types.js';
import { english, phrase } from '../../i18n/phrase.js';

/** Programs after which a network namespace's interfaces, routes and rules are read again. */
const NET_TOOLS = new Set([
  'ip',
  'ifconfig',
  'route',
  'brctl',
  'bridge',
  'nft',
  'ebtables',
  'arptables',
  'tc',
  'dhclient',
  'udhcpc',
  'runc',
  'crun',
  'contlab-runtime',
  'ctr',
  'docker',
  'dockerd',
  'containerd',
  'nerdctl',
  'podman',
  'slirp4netns',
]);
const BUSYBOX_NET = new Set(['ip', 'ifconfig', 'route', 'brctl', 'udhcpc']);

function isNetworkTool(args: readonly string[], comm: string): boolean {
  const name = basename(args[0] ?? comm);
  if (name === 'busybox') return BUSYBOX_NET.has(args[1] ?? '');
  return NET_TOOLS.has(name) || /^(ip6?tables|iptables)/.test(name);
}

/** Arrow keys and the like, as typed: `ESC [ A`, `ESC O H`. */
// eslint-disable-next-line no-control-regex -- the escape character is what is matched
const ESCAPES = /\x1b\[[0-9;]*[A-Za-z~]|\x1bO[A-Za-z]/g;

/** Typed keys: after Enter, how long until a shell that marks nothing counts as done. */
const TYPED_WAIT_MS = 1000;
const QUIET_MS = 1500;
/** How long the learner's own prompt hooks may take before the entry is made without them. */
const READY_WAIT_MS = 2000;
/** How long a command's entry waits for a forked child's exec (see settleForks). */
const FORK_EXEC_WAIT_MS = 500;

export interface RecorderOptions {
  scope: LabScope;
  /** Where entries are appended (one JSON line each); none: kept in memory only. */
  file?: string;
  procWatch?: ProcWatch;
  /** Namespace inodes the observer knows exist now (created ones are the others). */
  knownNamespaces?: () => Iterable<number>;
  /** The lesson step that is open. */
  step?: () => TimelineEntry['step'];
  hierarchies?: Hierarchy[];
}

export interface RecorderEvents {
  entry: TimelineEntry;
  /** Something went wrong that the learner should know (the entry was lost). */
  problem: string;
}

interface Window {
  startedAt: number;
  shell: string;
  typed: string | undefined;
  /** Opened by Enter in a shell that marks nothing. */
  fallback: boolean;
}

interface End {
  at: number;
  status: number | null;
  command: string | undefined;
}

export class TimelineRecorder extends TypedEmitter<RecorderEvents> {
  private readonly all: TimelineEntry[] = [];
  private readonly hierarchies: Hierarchy[];
  private readonly cgroups: CgroupWatch;
  private readonly shells = new Set<number>();
  private readonly own = new Set<number>();
  private events: ProcEvent[] = [];
  private lost = false;
  private before: LabState | undefined;
  private open: Window | undefined;
  private queue: Promise<void> = Promise.resolve();
  private line = '';
  private lastTyped: string | undefined;
  private typedAt = 0;
  private runSince = 0;
  private fallbackTimer: NodeJS.Timeout | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly offs: (() => void)[] = [];
  /** When each shell's prompt hooks ran (from its "prompt" to its "ready" mark). */
  private readonly promptAt = new Map<string, number>();
  private phases: { from: number; to: number }[] = [];
  /** Processes the prompt hooks started: left out, with their children. */
  private readonly hooks = new Set<number>();
  /** What waits for a shell's "ready" (its prompt hooks ran): a done command's entry. */
  private done:
    { shell: string; fallback: boolean; then: () => void; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly options: RecorderOptions) {
    super();
    this.hierarchies = options.hierarchies ?? labHierarchies();
    this.cgroups = new CgroupWatch(options.scope.cgroupPath, this.hierarchies);
  }

  /** Takes the first look at the lab and starts listening. */
  async start(): Promise<void> {
    const pw = this.options.procWatch;
    if (pw !== undefined) {
      this.offs.push(
        pw.on('event', (e) => this.onEvent(e)),
        pw.on('lost', () => {
          this.lost = true;
        }),
      );
    }
    this.cgroups.start();
    // In the queue: a caller may go on without waiting (the player starts its shell and
    // draws meanwhile), and every entry, rebase and undo comes after this first look.
    await this.enqueue(async () => {
      this.before = await this.look(undefined, () => true);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.done !== undefined) clearTimeout(this.done.timer);
    clearTimeout(this.fallbackTimer);
    clearTimeout(this.quietTimer);
    for (const off of this.offs) off();
    this.cgroups.stop();
    this.removeAll();
  }

  entries(): TimelineEntry[] {
    return [...this.all];
  }

  /** A lab shell started: its commands are recorded. */
  shellStarted(pid: number): void {
    this.shells.add(pid);
    this.options.procWatch?.watch(pid);
  }

  /** Markers the shell wrote (MarkerFilter takes them out of its output). */
  markers(markers: readonly ShellMarker[]): void {
    for (const m of markers) {
      if (m.kind === 'run') this.onRun(m);
      else if (m.kind === 'prompt') {
        this.promptAt.set(m.shell, m.at);
        this.onPrompt(m);
      } else {
        const from = this.promptAt.get(m.shell);
        if (from !== undefined) this.phases = [...this.phases.slice(-20), { from, to: m.at }];
        if (this.done?.shell === m.shell || this.done?.fallback === true) this.finish();
      }
    }
  }

  /** The shell wrote something (a shell without markers is done when it goes quiet). */
  output(): void {
    if (this.open?.fallback !== true) return;
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.closeFallback(), QUIET_MS);
  }

  /** Keys typed into the shell: the command line, as far as keys tell it. */
  typed(data: string): void {
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') this.enter();
      else if (ch === '\x7f' || ch === '\b') this.line = this.line.slice(0, -1);
      else if (ch === '\x15' || ch === '\x03') this.line = '';
      else if (ch >= ' ' && ch !== '\x7f') this.line += ch;
    }
    // Escape sequences (arrows, history) leave a line the keys cannot tell: '[A' and the like.
    this.line = this.line.replace(ESCAPES, '');
  }

  /**
   * Forgets what happened so far and looks at the lab afresh: what a step's setup or an
   * undo did is not the next command's doing.
   */
  rebase(): Promise<void> {
    // What happened until now: a command typed meanwhile (while the queue is busy) keeps
    // its events.
    const at = Date.now();
    return this.enqueue(async () => {
      await this.options.procWatch?.sync();
      this.events = this.events.filter((e) => e.at > at);
      this.cgroups.drain(at);
      this.lost = false;
      this.before = await this.look(this.before, (ns) => !this.detailed(ns.inode));
    });
  }

  /** Adds an entry made elsewhere (an undo), in order with the commands' entries. */
  async add(entry: Omit<TimelineEntry, 'seq'>): Promise<TimelineEntry> {
    let made: TimelineEntry | undefined;
    await this.enqueue(() => {
      made = this.publish(entry);
      return Promise.resolve();
    });
    return made ?? { seq: 0, ...entry };
  }

  /** Resolves when every entry of the commands finished so far is made. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enter(): void {
    const typed = this.line.trim();
    this.line = '';
    this.typedAt = Date.now();
    if (typed !== '') this.lastTyped = typed;
    if (this.open?.fallback === true) this.closeFallback();
    if (typed === '') return;
    // A shell with markers says "run" at once; without a word, it marks nothing.
    clearTimeout(this.fallbackTimer);
    const at = this.typedAt;
    this.fallbackTimer = setTimeout(() => {
      if (this.open === undefined && this.runSince < at)
        this.open = { startedAt: at, shell: '', typed, fallback: true };
      this.output();
    }, TYPED_WAIT_MS);
  }

  private closeFallback(): void {
    clearTimeout(this.quietTimer);
    const w = this.open;
    if (w?.fallback !== true) return;
    this.open = undefined;
    void this.close(w, { at: Date.now(), status: null, command: undefined });
  }

  private onRun(m: Extract<ShellMarker, { kind: 'run' }>): void {
    this.runSince = Date.now();
    this.finish();
    const w = this.open;
    if (w?.fallback === true) {
      // The shell marks after all, only late (a busy machine): the window the typed line
      // opened is this command's, not one of its own.
      clearTimeout(this.quietTimer);
      this.open = {
        startedAt: Math.min(w.startedAt, m.at),
        shell: m.shell,
        typed: w.typed,
        fallback: false,
      };
      return;
    }
    this.open ??= { startedAt: m.at, shell: m.shell, typed: this.lastTyped, fallback: false };
  }

  private onPrompt(m: Extract<ShellMarker, { kind: 'prompt' }>): void {
    const w = this.open;
    if (w === undefined) {
      // A new shell's first prompt: its start-up (joining the lab's cgroups, its bashrc) is
      // no command of the learner's.
      if (m.after === 'new') this.afterHooks(m.shell, false, () => void this.rebase());
      // A command the shell ran without saying so first (PS0 overwritten): still one entry.
      if (m.after === 'ran')
        this.wait(
          { startedAt: this.before?.at ?? m.at, shell: m.shell, typed: undefined, fallback: false },
          { at: m.at, status: m.status, command: m.command },
        );
      return;
    }
    this.open = undefined;
    clearTimeout(this.quietTimer);
    const sameShell = w.shell === m.shell;
    // The window now belongs to the shell that prompts (a nested shell's first prompt).
    this.wait(
      { ...w, shell: m.shell },
      {
        at: m.at,
        status: sameShell ? m.status : null,
        command: sameShell && m.after === 'ran' ? m.command : undefined,
      },
    );
  }

  /** The command is done: its entry is made once the prompt is ready (or soon anyway). */
  private wait(w: Window, end: End): void {
    this.afterHooks(w.shell, w.fallback, () => void this.close(w, end));
  }

  private afterHooks(shell: string, fallback: boolean, then: () => void): void {
    this.finish();
    const timer = setTimeout(() => this.finish(), READY_WAIT_MS);
    this.done = { shell, fallback, then, timer };
  }

  private finish(): void {
    const d = this.done;
    if (d === undefined) return;
    this.done = undefined;
    clearTimeout(d.timer);
    d.then();
  }

  private onEvent(e: ProcEvent): void {
    // The lab's own processes (setup scripts, daemons) are not the learner's commands.
    if (e.kind === 'fork') {
      if (this.own.has(e.parent)) {
        this.own.add(e.pid);
        return;
      }
    } else if (e.kind === 'exec') {
      if (e.read && e.ppid === this.options.scope.ownerPid && !this.shells.has(e.pid))
        this.own.add(e.pid);
    }
    if (this.own.has(e.pid)) {
      if (e.kind === 'exit') this.own.delete(e.pid);
      return;
    }
    this.events.push(e);
    if (this.events.length > 50_000) {
      this.events.splice(0, 25_000);
      this.lost = true;
    }
    if (this.open?.fallback === true) this.output();
  }

  /** The events less those of processes the shells' prompt hooks started. */
  private withoutHooks(events: ProcEvent[]): ProcEvent[] {
    return events.filter((e) => {
      if (e.kind === 'fork') {
        if (this.hooks.has(e.parent) || this.phases.some((p) => e.at > p.from && e.at < p.to)) {
          this.hooks.add(e.pid);
          return false;
        }
        return true;
      }
      if (!this.hooks.has(e.pid)) return true;
      if (e.kind === 'exit') this.hooks.delete(e.pid);
      return false;
    });
  }

  /**
   * A child the command forked that had not exec'd yet when the prompt came (`sleep 9 &`:
   * bash prints its prompt before the child execs; on a busy machine, even after the
   * lab was looked at) still looks like the shell in `after`. Its exec follows within
   * moments: wait for it, FORK_EXEC_WAIT_MS at most, and take the program from it.
   */
  private async settleForks(events: readonly ProcEvent[], after: LabState): Promise<void> {
    const execd = new Set(events.filter((e) => e.kind === 'exec').map((e) => e.pid));
    const byPid = new Map(after.processes.map((p) => [p.pid, p]));
    const sameAsParent = (pid: number): boolean => {
      const p = byPid.get(pid);
      const parent = p === undefined ? undefined : byPid.get(p.ppid);
      return parent !== undefined && p?.args.join('\0') === parent.args.join('\0');
    };
    const pending = new Set(
      events
        .filter((e) => e.kind === 'fork' && !execd.has(e.pid) && sameAsParent(e.pid))
        .map((e) => e.pid),
    );
    const deadline = Date.now() + FORK_EXEC_WAIT_MS;
    while (pending.size > 0) {
      for (const e of this.events) {
        const p = byPid.get(e.pid);
        if (e.kind !== 'exec' || !pending.has(e.pid) || p === undefined) continue;
        if (e.read) Object.assign(p, { args: e.args, comm: e.comm, ns: e.ns, nspid: e.nspid });
        pending.delete(e.pid);
      }
      if (pending.size === 0 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
      await this.options.procWatch?.sync();
    }
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((err: unknown) => {
      this.emit('problem', `the timeline could not record a command: ${messageOf(err)}`);
    });
    return this.queue;
  }

  private close(w: Window, end: End): Promise<void> {
    return this.enqueue(async () => {
      if (this.stopped) return;
      await this.options.procWatch?.sync();
      // The prompt hooks' processes out first: some came after the end, their forks before.
      const all = this.withoutHooks(this.events);
      const events = all.filter((e) => e.at <= end.at);
      this.events = all.filter((e) => e.at > end.at);
      const writes = this.cgroups.drain();
      const before = this.before;
      if (before === undefined) return;
      const netTool = events.some((e) => e.kind === 'exec' && isNetworkTool(e.args, e.comm));
      const looked = await this.look(before, (ns) => netTool || !this.detailed(ns.inode));
      const after = {
        ...looked,
        processes: looked.processes.filter(
          (p) => !this.hooks.has(p.pid) && !this.hooks.has(p.ppid),
        ),
      };
      await this.settleForks(events, after);
      this.before = after;
      if (this.stopped) return;
      const knownNs = new Set<number>(this.options.knownNamespaces?.() ?? []);
      const items: TimelineItem[] = [
        ...processItems({ before, after, events, known: knownNs }),
        ...stateItems({ before, after, writes }).filter((i) => !this.othersMount(i)),
      ];
      if (this.lost) {
        const said = phrase('timeline.note.eventsLost');
        items.push({ kind: 'note', text: english(said), said });
        this.lost = false;
      }
      // A line typed into a program (not a shell) changed nothing: no entry for it.
      if (w.fallback && items.length === 0) return;
      const command = end.command ?? w.typed ?? '(a command)';
      this.publish({
        kind: 'command',
        command,
        typed: end.command === undefined,
        exitStatus: end.status,
        startedAt: Math.round(w.startedAt),
        endedAt: Math.round(end.at),
        step: this.options.step?.() ?? null,
        items,
      });
    });
  }

  private publish(entry: Omit<TimelineEntry, 'seq'>): TimelineEntry {
    const full: TimelineEntry = { seq: this.all.length + 1, ...entry };
    this.all.push(full);
    if (this.options.file !== undefined) {
      try {
        // One write of a whole line with O_APPEND: a reader sees whole entries only.
        appendFileSync(this.options.file, `${JSON.stringify(full)}\n`);
      } catch (err) {
        this.emit(
          'problem',
          `could not write the timeline to ${this.options.file}: ${messageOf(err)}`,
        );
      }
    }
    this.emit('entry', full);
    return full;
  }

  /**
   * A mount in the host's namespace under another lab session's directory: another lab on
   * this machine (its containers' overlays) did it, not this command.
   */
  private othersMount(item: TimelineItem): boolean {
    if (item.kind !== 'mount' || !item.host) return false;
    const own = basename(this.options.scope.cgroupPath);
    const m = /\/(session-\d+-\d+)(\/|$)/.exec(item.mountPoint);
    return m !== null && m[1] !== own;
  }

  /** Whether the last look read this network namespace's interfaces (or one before it did). */
  private detailed(inode: number): boolean {
    return this.before?.netns.some((n) => n.inode === inode && n.interfaces !== null) === true;
  }

  private look(
    previous: LabState | undefined,
    network: (ns: StateNetns) => boolean,
  ): Promise<LabState> {
    return readLabState(this.options.scope, { previous, network, hierarchies: this.hierarchies });
  }
}

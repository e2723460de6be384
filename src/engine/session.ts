/**
 * A lab session: the owner of everything one running lab (or one test) creates on the host.
 * It has its own directory, runtime directory, cgroup parent and journal. Every creating
 * method writes the journal first and creates second, so `contlab cleanup` can undo a
 * session whose process was killed at any instant. A supervisor process (supervisor.ts),
 * started right after the journal, runs that cleanup by itself when the lab dies.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CGROUP_PARENT, labHierarchies, makeCgroupDir } from './cgroupfs.js';
import { LabError, messageOf } from './errors.js';
import { run } from './exec.js';
import { Journal } from './journal.js';
import { ensureLabDirs, journalDir, sessionsDir } from './paths.js';
import { identityOf, isAlive, type ProcessIdentity } from './procfs.js';
import { removeResource } from './removers.js';
import { describe, described, notRemoved, type Resource } from './resources.js';
import { line, type SaidLines } from './said-lines.js';
import { requireSupervisor, startSupervisor, type Supervisor } from './supervisor.js';

export interface SessionReport {
  removed: string[];
  errors: string[];
  /** Each line's phrase, under its English (undoSince's, for the screen's language). */
  said?: SaidLines;
}

/** Names of lab network objects: `contlab-` prefix, and at most 15 bytes for interfaces. */
export function labName(name: string, maxLength = 15): string {
  const full = name.startsWith('contlab') ? name : `contlab-${name}`;
  if (!/^[A-Za-z0-9_.-]+$/.test(full)) throw new LabError(`invalid lab resource name "${name}"`);
  if (full.length > maxLength)
    throw new LabError(`lab resource name "${full}" is longer than ${maxLength} characters`);
  return full;
}

export function sessionIdOf(owner: ProcessIdentity): string {
  return `session-${owner.pid}-${owner.start}`;
}

/**
 * Whether the session named `id` still has its owner. The owner's identity is part of the
 * name, so any lab (whatever its CONTLAB_HOME) can tell a live session's cgroups and
 * directories from a dead one's without reading its journal.
 */
export function sessionIsLive(id: string): boolean {
  const m = /^session-(\d+)-(\d+)$/.exec(id);
  if (m === null) return false;
  const pid = Number(m[1]);
  return pid !== process.pid && isAlive({ pid, start: Number(m[2]) });
}

export class LabSession {
  readonly id: string;
  readonly dir: string;
  readonly runDir: string;
  readonly owner: ProcessIdentity;
  private readonly journal: Journal;
  private readonly live: { seq: number; resource: Resource }[] = [];
  private closed = false;
  private readonly cgroups = new Map<string, Map<string, string>>();
  private supervisor: { seq: number; process: Supervisor } | undefined;

  private constructor(owner: ProcessIdentity, journal: Journal, dir: string, runDirPath: string) {
    this.owner = owner;
    this.id = sessionIdOf(owner);
    this.journal = journal;
    this.dir = dir;
    this.runDir = runDirPath;
  }

  /**
   * Opens the session of this process (one per process: a second open in the same process
   * would share the same name and cgroups, so it is refused).
   */
  static async open(): Promise<LabSession> {
    const { home, run: runRoot } = ensureLabDirs();
    mkdirSync(journalDir(), { recursive: true, mode: 0o700 });
    mkdirSync(sessionsDir(), { recursive: true });
    const owner = identityOf(process.pid);
    if (owner === undefined) throw new LabError('cannot read /proc/self/stat: is /proc mounted?');
    const id = sessionIdOf(owner);
    requireSupervisor();
    let journal: Journal;
    try {
      journal = Journal.create(join(journalDir(), `${id}.jsonl`), owner);
    } catch (err) {
      throw new LabError(`cannot start a lab session in ${home}: ${messageOf(err)}`, {
        remedy: 'only one lab session can run per process',
      });
    }
    const session = new LabSession(owner, journal, join(sessionsDir(), id), join(runRoot, id));
    // Started after the journal exists (it is what the supervisor's cleanup reads) and
    // before anything is created. Its own entry can only follow its start: if the lab dies
    // in between, the supervisor cleans up and exits by itself, so nothing is left either.
    let supervisor: Supervisor;
    try {
      supervisor = startSupervisor(owner, id);
    } catch (err) {
      journal.close();
      unlinkSync(journal.path);
      throw err;
    }
    const seq = journal.record({ kind: 'supervisor', ...supervisor.identity });
    session.supervisor = { seq, process: supervisor };
    await session.makeDir(session.runDir);
    await session.makeDir(session.dir);
    return session;
  }

  /** Journals `resource`, then runs `create`. If creation fails, the entry is released. */
  async track<T>(resource: Resource, create: () => Promise<T> | T): Promise<T> {
    const [made] = await this.trackAll([resource], create);
    return made as T;
  }

  /**
   * Journals all of `resources` at once (one fsync), then creates them one by one in order.
   * If one fails, it and those not made yet are removed (whatever half-exists) and released.
   */
  async trackAll<T>(
    resources: readonly Resource[],
    create: (resource: Resource, index: number) => Promise<T> | T,
  ): Promise<T[]> {
    this.assertOpen();
    const seqs = this.journal.recordAll(resources);
    resources.forEach((resource, i) => this.live.push({ seq: seqs[i] as number, resource }));
    const made: T[] = [];
    for (const [i, resource] of resources.entries()) {
      try {
        made.push(await create(resource, i));
      } catch (err) {
        // Whatever half-exists is removed now, so a failed step leaves nothing behind.
        for (const [j, rest] of resources.entries()) {
          if (j < i) continue;
          await removeResource(rest);
          this.forget(seqs[j] as number);
        }
        throw err;
      }
    }
    return made;
  }

  /** Removes one resource the session created, now (reverse order is the caller's business). */
  async remove(resource: Resource): Promise<void> {
    const entry = this.live.find((e) => e.resource === resource);
    if (entry === undefined) return;
    const outcome = await removeResource(resource);
    if (outcome.error !== undefined)
      throw new LabError(`could not remove ${describe(resource)}: ${outcome.error}`);
    this.forget(entry.seq);
  }

  /**
   * Marks this point in the journal (a lesson step begins) and returns its number: what
   * the session records after it is what undoSince() removes.
   */
  mark(label: string): number {
    this.assertOpen();
    return this.journal.mark(label);
  }

  /**
   * Removes what the session recorded after mark `seq`, newest first, but what `keep` says
   * to keep (the learner's shells). What was removed, and what could not be.
   */
  async undoSince(seq: number, keep: (r: Resource) => boolean): Promise<SessionReport> {
    const said: SaidLines = {};
    const report: SessionReport = { removed: [], errors: [], said };
    for (const entry of [...this.live].reverse()) {
      if (entry.seq <= seq || keep(entry.resource)) continue;
      const outcome = await removeResource(entry.resource, { hurry: true });
      if (outcome.error !== undefined) {
        report.errors.push(line(said, notRemoved(entry.resource, outcome.error)));
        continue;
      }
      if (outcome.removed) report.removed.push(line(said, described(entry.resource)));
      this.forget(entry.seq);
    }
    return report;
  }

  async makeDir(path: string): Promise<string> {
    await this.track({ kind: 'dir', path }, () => mkdirSync(path, { recursive: true }));
    return path;
  }

  /** The session's cgroup parent `contlab/<session>` in every hierarchy, created on first use. */
  async cgroup(name?: string): Promise<Map<string, string>> {
    const known = this.cgroups.get(name ?? '');
    if (known !== undefined) return known;
    const rel =
      name === undefined
        ? `${LAB_CGROUP_PARENT}/${this.id}`
        : `${LAB_CGROUP_PARENT}/${this.id}/${name}`;
    const paths = new Map<string, string>();
    const hierarchies = labHierarchies();
    const made = await this.trackAll(
      hierarchies.map((h): Resource => ({ kind: 'cgroup', mountPoint: h.mountPoint, path: rel })),
      (_, i) => makeCgroupDir(hierarchies[i] as (typeof hierarchies)[number], rel),
    );
    hierarchies.forEach((h, i) => paths.set(h.mountPoint, made[i] as string));
    this.cgroups.set(name ?? '', paths);
    return paths;
  }

  async mount(source: string, target: string, fstype: string, options?: string): Promise<void> {
    const args = ['-t', fstype, ...(options ? ['-o', options] : []), source, target];
    await this.track({ kind: 'mount', target }, async () => {
      const r = await run('mount', args);
      if (r.code !== 0)
        throw new LabError(`mount ${args.join(' ')}: ${r.stderr.trim() || r.spawnError}`);
    });
  }

  async addNetns(name: string): Promise<string> {
    const full = labName(name, 64);
    await this.track({ kind: 'netns', name: full }, async () => {
      const r = await run('ip', ['netns', 'add', full]);
      if (r.code !== 0)
        throw new LabError(`ip netns add ${full}: ${r.stderr.trim() || r.spawnError}`);
    });
    return full;
  }

  /** A veth pair; `peerNetns` moves the peer end into that (lab) namespace. */
  async addVethPair(name: string, peer: string, peerNetns?: string): Promise<void> {
    const a = labName(name);
    const b = labName(peer);
    await this.track({ kind: 'veth', name: a }, async () => {
      const args = [
        'link',
        'add',
        a,
        'type',
        'veth',
        'peer',
        'name',
        b,
        ...(peerNetns ? ['netns', peerNetns] : []),
      ];
      const r = await run('ip', args);
      if (r.code !== 0)
        throw new LabError(`ip ${args.join(' ')}: ${r.stderr.trim() || r.spawnError}`);
    });
  }

  /**
   * Starts a process that belongs to the lab. It first joins the session's `spawned` cgroup
   * (journaled before), then execs the command: there is no instant at which it runs
   * unrecorded. A child, not the session's own cgroup: on v2 a cgroup that hands controllers
   * down to its children may hold no processes (a lesson lab's session does), and writing a
   * PID there fails with EBUSY.
   */
  async spawn(
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ): Promise<ChildProcess> {
    await this.cgroup(); // the parent first: it is removed after its child
    const cgroups = await this.cgroup('spawned');
    const procsFiles = [...cgroups.values()].map((dir) => join(dir, 'cgroup.procs'));
    const prelude =
      'for f in ' +
      procsFiles.map((f) => `'${f}'`).join(' ') +
      '; do echo $$ > "$f" || exit 125; done; exec "$@"';
    const child = spawn('/bin/sh', ['-c', prelude, 'contlab-spawn', command, ...args], options);
    const pid = child.pid;
    if (pid !== undefined) {
      const id = identityOf(pid);
      if (id !== undefined) await this.track({ kind: 'process', ...id }, () => undefined);
    }
    return child;
  }

  /** Records a resource some other engine piece creates (a daemon, a container). */
  async recordDaemon(
    name: string,
    id: ProcessIdentity,
    address: string,
    dirs: string[],
  ): Promise<void> {
    await this.track({ kind: 'daemon', name, address, dirs, ...id }, () => undefined);
  }

  /**
   * Removes everything the session created, newest first, and retires its journal and its
   * supervisor. If something could not be removed, the journal stays and so does the
   * supervisor: it tries again (with `contlab cleanup`) when this process ends.
   */
  async close(): Promise<SessionReport> {
    if (this.closed) return { removed: [], errors: [] };
    this.closed = true;
    const report: SessionReport = { removed: [], errors: [] };
    const released: number[] = [];
    for (const entry of [...this.live].reverse()) {
      const outcome = await removeResource(entry.resource);
      if (outcome.error !== undefined)
        report.errors.push(`${describe(entry.resource)}: ${outcome.error}`);
      else {
        if (outcome.removed) report.removed.push(describe(entry.resource));
        released.push(entry.seq);
      }
    }
    if (report.errors.length === 0 && this.supervisor !== undefined)
      released.push(this.supervisor.seq);
    // Released in one write at the end: a kill before it leaves cleanup a few removals to
    // try again, which find nothing.
    this.journal.releaseAll(released);
    this.journal.close();
    if (report.errors.length === 0) {
      unlinkSync(this.journal.path);
      removeEmptyLabParents();
      this.supervisor?.process.dismiss();
    }
    return report;
  }

  private forget(seq: number): void {
    const i = this.live.findIndex((e) => e.seq === seq);
    if (i >= 0) this.live.splice(i, 1);
    this.journal.release(seq);
  }

  private assertOpen(): void {
    if (this.closed) throw new LabError('this lab session is already closed');
  }
}

/** Removes the `contlab` cgroup parents that no session uses any more. */
export function removeEmptyLabParents(): void {
  for (const h of labHierarchies()) {
    try {
      // rmdir only succeeds on an empty cgroup with no children: exactly the safe case.
      rmdirSync(join(h.mountPoint, LAB_CGROUP_PARENT));
    } catch {
      // still in use by another session, or already gone
    }
  }
}

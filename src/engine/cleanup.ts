/**
 * `contlab cleanup`: undo every lab session whose owner is gone. It replays each journal
 * newest-first, then sweeps the places only the lab uses (the `contlab` cgroup parent,
 * session directories, `contlab-*` network namespaces) for anything a learner created by
 * hand inside a dead session. Sessions whose owner is still alive are left alone.
 *
 * The same code runs three ways: by hand (everything dead, waiting for supervisors that
 * are busy first), by a session's supervisor when its lab died (that session only), and
 * at start-up (dead sessions nobody is cleaning). Only the first also sweeps lab-named
 * things no journal or session name ties to a dead lab: the automatic runs remove only
 * what provably belonged to a dead session.
 */
import { existsSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CGROUP_PARENT, labHierarchies } from './cgroupfs.js';
import { messageOf } from './errors.js';
import { readJournal } from './journal.js';
import { journalDir, runDir, sessionsDir } from './paths.js';
import { identityOf, isAlive, type ProcessIdentity } from './procfs.js';
import { killProcess, removeCgroupTree, removeResource } from './removers.js';
import { described, notRemoved, type Resource, type ResourceKind } from './resources.js';
import { line, type SaidLines } from './said-lines.js';
import { phrase, type PhraseValue } from '../i18n/phrase.js';
import { removeEmptyLabParents, sessionIdOf, sessionIsLive } from './session.js';
import { runningSupervisors } from './supervisor.js';
import { run } from './exec.js';

export interface CleanupOptions {
  /** Only this session (what its supervisor runs when the lab died). */
  session?: string;
  /**
   * Also sweep what no journal of this lab home names: the cgroups of dead sessions of any
   * lab home, and, when no lab runs at all, `contlab-*` network namespaces and interfaces
   * and cgroups under /contlab outside any session (what a learner made by hand). Default
   * true; the automatic runs turn it off and touch only this lab home's sessions.
   */
  sweepHost?: boolean;
  /**
   * A dead session whose supervisor still runs is being cleaned by it. true (default):
   * wait for it, then take over whatever is left. false: leave that session to it.
   */
  waitForSupervisors?: boolean;
}

export interface CleanupReport {
  removed: string[];
  /** How many resources of each kind (a ResourceKind) were removed: for a summary line. */
  removedKinds: Record<string, number>;
  /** The dead sessions whose journal was replayed. */
  sessions: string[];
  /** Sessions left alone because their lab is still running. */
  liveSessions: string[];
  /** Dead sessions left to the supervisor that is cleaning them right now. */
  supervised: string[];
  /** Journal lines that could not be read (the rest was still cleaned). */
  problems: string[];
  /** Resources that could not be removed (they stay in the journal for the next run). */
  errors: string[];
  /** Removals that took over a second, with their time (for the supervisor's log). */
  slow: string[];
  /**
   * The lines of removed, errors, slow and liveSessions as phrases, under their English
   * (left out of --json).
   */
  said: SaidLines;
}

const SLOW_MS = 1000;

/** How long a hand-run cleanup waits for busy supervisors before ending them itself. */
const SUPERVISOR_WAIT_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function noteRemoved(report: CleanupReport, kind: ResourceKind, what: PhraseValue): void {
  report.removed.push(line(report.said, what));
  report.removedKinds[kind] = (report.removedKinds[kind] ?? 0) + 1;
}

async function removeInto(report: CleanupReport, r: Resource): Promise<boolean> {
  // Every session cleanup handles is dead: nothing is worth a graceful stop.
  const started = Date.now();
  const outcome = await removeResource(r, { hurry: true });
  const ms = Date.now() - started;
  if (ms > SLOW_MS)
    report.slow.push(
      line(report.said, phrase('cleanup.took', { what: described(r), ms: String(ms) })),
    );
  if (outcome.error !== undefined) {
    report.errors.push(line(report.said, notRemoved(r, outcome.error)));
    return false;
  }
  if (outcome.removed) noteRemoved(report, r.kind, described(r));
  return true;
}

/** This process's own session id (a Ctrl-C handler cleans its own session). */
function ownSessionId(): string | undefined {
  const self = identityOf(process.pid);
  return self === undefined ? undefined : sessionIdOf(self);
}

/**
 * Dead sessions whose supervisor is running (and is not the one that started us): it is
 * cleaning them this very moment.
 */
export function busySessions(): Map<string, ProcessIdentity> {
  const own = ownSessionId();
  const out = new Map<string, ProcessIdentity>();
  for (const [id, supervisor] of runningSupervisors(process.ppid))
    if (id !== own && !sessionIsLive(id)) out.set(id, supervisor);
  return out;
}

/** Waits for the busy supervisors to finish; ends those still running after the wait. */
async function waitForSupervisors(busy: Map<string, ProcessIdentity>): Promise<void> {
  const deadline = Date.now() + SUPERVISOR_WAIT_MS;
  const running = (): ProcessIdentity[] => [...busy.values()].filter((id) => isAlive(id));
  while (running().length > 0 && Date.now() < deadline) await sleep(50);
  for (const stuck of running()) await killProcess(stuck);
}

export async function cleanup(options: CleanupOptions = {}): Promise<CleanupReport> {
  const report: CleanupReport = {
    removed: [],
    removedKinds: {},
    sessions: [],
    liveSessions: [],
    supervised: [],
    problems: [],
    errors: [],
    slow: [],
    said: {},
  };
  const home = homeSessions();
  let busy = busySessions();
  if (options.waitForSupervisors !== false && busy.size > 0) {
    await waitForSupervisors(busy);
    busy = new Map();
  }

  const only = options.session === undefined ? undefined : `${options.session}.jsonl`;
  for (const file of listNames(journalDir())
    .filter((f) => f.endsWith('.jsonl') && (only === undefined || f === only))
    .sort()) {
    const path = join(journalDir(), file);
    const sessionId = file.replace(/\.jsonl$/, '');
    if (sessionIsLive(sessionId)) {
      report.liveSessions.push(line(report.said, phrase('cleanup.stillRunning', { sessionId })));
      continue;
    }
    if (busy.has(sessionId)) {
      report.supervised.push(sessionId);
      continue;
    }
    let parsed;
    try {
      parsed = readJournal(path, path);
    } catch (err) {
      report.problems.push(`${path}: cannot read: ${messageOf(err)}`);
      continue;
    }
    report.sessions.push(sessionId);
    report.problems.push(...parsed.problems);
    let failed = false;
    for (const { resource } of [...parsed.live].reverse())
      if (!(await removeInto(report, resource))) failed = true;
    if (!failed) {
      // A journal with unreadable lines is kept aside for a human, not processed again.
      if (parsed.problems.length > 0) renameSync(path, `${path}.corrupt`);
      else unlinkSync(path);
    }
  }

  await sweep(report, { busy: new Set(busy.keys()), home }, options);
  removeEmptyLabParents();
  return report;
}

/** The sessions this lab home knows: by journal, session directory or runtime directory. */
function homeSessions(): Set<string> {
  const names = [...listNames(journalDir()), ...listNames(sessionsDir()), ...listNames(runDir())];
  return new Set(
    names.map((n) => n.replace(/\.jsonl$/, '')).filter((n) => n.startsWith('session-')),
  );
}

/** Every live session on this host, from the session cgroups (whatever the lab home). */
function liveSessionIds(): Set<string> {
  const ids = new Set<string>();
  for (const h of labHierarchies()) {
    for (const name of listNames(join(h.mountPoint, LAB_CGROUP_PARENT)))
      if (sessionIsLive(name)) ids.add(name);
  }
  for (const name of listNames(journalDir())) {
    const id = name.replace(/\.jsonl$/, '');
    if (sessionIsLive(id)) ids.add(id);
  }
  return ids;
}

/** Removes leftovers in lab-only places that belong to no live (or busy) session. */
async function sweep(
  report: CleanupReport,
  sessions: { busy: Set<string>; home: Set<string> },
  options: CleanupOptions,
): Promise<void> {
  const keep = new Set([...liveSessionIds(), ...sessions.busy]);
  const wide = options.sweepHost !== false;
  const sweepHost = wide && keep.size === 0;
  // A session's own leftovers: its cgroups and directories, known by its name.
  const ours = (name: string): boolean =>
    name.startsWith('session-') &&
    !keep.has(name) &&
    (options.session === undefined || name === options.session) &&
    (wide || sessions.home.has(name));
  for (const h of labHierarchies()) {
    const parent = join(h.mountPoint, LAB_CGROUP_PARENT);
    for (const name of listNames(parent)) {
      const dir = join(parent, name);
      if (!existsSync(join(dir, 'cgroup.procs'))) continue;
      // Others (a lab containerd's containers) are only swept when no lab runs at all.
      if (name.startsWith('session-') ? !ours(name) : !sweepHost) continue;
      try {
        if (await removeCgroupTree(dir))
          noteRemoved(report, 'cgroup', phrase('resource.cgroup', { path: dir }));
      } catch (err) {
        const what = phrase('resource.cgroup', { path: dir });
        const failed = phrase('resource.failed', { what, error: messageOf(err) });
        report.errors.push(line(report.said, failed));
      }
    }
  }
  for (const base of [sessionsDir(), runDir()]) {
    for (const name of listNames(base)) {
      if (!ours(name)) continue;
      const dir: Resource = { kind: 'dir', path: join(base, name) };
      const outcome = await removeResource(dir);
      if (outcome.error !== undefined)
        report.errors.push(line(report.said, notRemoved(dir, outcome.error)));
      else if (outcome.removed) noteRemoved(report, 'dir', described(dir));
    }
  }
  if (!sweepHost) return;
  for (const name of listNames('/run/netns').filter((n) => n.startsWith('contlab')))
    await removeInto(report, { kind: 'netns', name });
  const links = await run('ip', ['-o', 'link', 'show']);
  for (const m of links.stdout.matchAll(/^\d+: (contlab[^@:\s]*)/gm))
    await removeInto(report, { kind: 'veth', name: m[1] as string });
}

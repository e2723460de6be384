/**
 * Undo: take the lab back to the kernel state it had at a mark (when a lesson step began).
 * A look at the lab now is compared with the look kept at the mark, and what was made since
 * is removed through the cleanup removers, by identity, never by name alone:
 *
 * - processes in the lab's cgroups that were not there (PID and start time), but the lab's
 *   own (its shells and scripts: the lab process's children);
 * - processes that were there and were moved to another cgroup go back to theirs;
 * - mounts made since in the host's mount namespace below the lab's directories, and in the
 *   mount namespaces of the lab's processes that were there;
 * - cgroups made since below the lab's cgroup (and limits written since, set back);
 * - network namespaces named `contlab*` and interfaces `contlab*` in the host's network
 *   namespace made since, when the lab's timeline (or journal) says the lab made them:
 *   another lab on the same machine may have made its own meanwhile.
 *
 * What the learner made by hand is found this way as well as what the journal knows.
 */
import { join } from 'node:path';
import { labHierarchies, type Hierarchy } from '../cgroupfs.js';
import { messageOf } from '../errors.js';
import { writeFileSync } from 'node:fs';
import { removeResource } from '../removers.js';
import { described, notRemoved, type Resource } from '../resources.js';
import { line, type SaidLines } from '../said-lines.js';
import { phrase, type Phrase } from '../../i18n/phrase.js';
import { LIMIT_FILES, readLabState, type LabScope } from './lab-state.js';
import type { LabState, StateProcess, TimelineEntry } from './types.js';

export interface UndoScope extends LabScope {
  /** The lab's directories: a mount below one of them is the lab's. */
  dirs: string[];
}

export interface UndoReport {
  undone: string[];
  errors: string[];
  /** Each line's phrase, under its English (for the screen's language). */
  said: SaidLines;
}

/**
 * Limits set back to what they were at the mark: the followed ones (LIMIT_FILES) but those
 * that cannot be written back as read (per-disk io/blkio lines, devices.list), that a child
 * group pins (cpuset, subtree_control, max.descendants) or that need not be (oom.group).
 */
const NOT_SET_BACK =
  /^(io\.|blkio\.|devices\.|cpuset\.|cgroup\.(subtree_control|max\.)|memory\.oom\.group$)/;
const RESTORABLE = new Set([...LIMIT_FILES].filter((f) => !NOT_SET_BACK.test(f)));

const id = (p: { pid: number; start: number }): string => `${p.pid}:${p.start}`;

const frozen = (limits: Record<string, string>): boolean =>
  limits['cgroup.freeze'] === '1' || /^(FROZEN|FREEZING)$/.test(limits['freezer.state'] ?? '');

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** The mount point of the hierarchy a `/proc/PID/cgroup` line is about. */
function mountPointOf(line: string, hierarchies: Hierarchy[]): string | undefined {
  const [hid, controllers] = line.split(':');
  if (hid === '0' && controllers === '')
    return hierarchies.find((h) => h.version === 2)?.mountPoint;
  const names = (controllers ?? '').split(',');
  return hierarchies.find((h) => h.version === 1 && names.every((c) => h.controllers.includes(c)))
    ?.mountPoint;
}

/** Names and inodes the lab's timeline says the lab made (since the mark). */
function madeByLab(entries: readonly TimelineEntry[]): { links: Set<string>; netns: Set<number> } {
  const links = new Set<string>();
  const netns = new Set<number>();
  for (const e of entries)
    for (const i of e.items) {
      if (i.kind === 'interface' && i.change === 'added') {
        if (i.host) links.add(i.name);
        else netns.add(i.netns);
      }
      if (i.kind === 'namespace' && i.type === 'net' && i.inode !== null && i.change !== 'joined')
        netns.add(i.inode);
    }
  return { links, netns };
}

export interface UndoOptions {
  /** The lab's timeline since the mark: which named netns and host links the lab made. */
  entries?: readonly TimelineEntry[];
  /** Processes to keep whatever: default, the lab process's own children (its shells). */
  keep?: (p: StateProcess) => boolean;
  hierarchies?: Hierarchy[];
}

/** What undoing to `mark` removes and changes, in the order it is done. */
export interface UndoPlan {
  /** Frozen cgroups to thaw first: a frozen process does not die of SIGKILL until thawed. */
  thaw: { file: string; value: string }[];
  kill: Resource[];
  moveBack: { pid: number; start: number; file: string; to: string }[];
  unmount: Resource[];
  cgroups: Resource[];
  limits: { file: string; value: string; what: Phrase }[];
  network: Resource[];
}

export function planUndo(
  mark: LabState,
  now: LabState,
  scope: UndoScope,
  options: UndoOptions = {},
): UndoPlan {
  const hierarchies = options.hierarchies ?? labHierarchies();
  const keep = options.keep ?? ((p: StateProcess) => p.ppid === scope.ownerPid);
  const marked = new Map(mark.processes.map((p) => [id(p), p]));
  const plan: UndoPlan = {
    thaw: [],
    kill: [],
    moveBack: [],
    unmount: [],
    cgroups: [],
    limits: [],
    network: [],
  };
  const markFrozen = new Map(
    mark.cgroups.map((c) => [`${c.mountPoint}\0${c.path}`, frozen(c.limits)]),
  );
  for (const c of now.cgroups) {
    if (!frozen(c.limits) || markFrozen.get(`${c.mountPoint}\0${c.path}`) === true) continue;
    const dir = join(c.mountPoint, scope.cgroupPath, c.path === '.' ? '' : c.path);
    if (c.limits['freezer.state'] !== undefined)
      plan.thaw.push({ file: join(dir, 'freezer.state'), value: 'THAWED' });
    if (c.limits['cgroup.freeze'] !== undefined)
      plan.thaw.push({ file: join(dir, 'cgroup.freeze'), value: '0' });
  }

  for (const p of now.processes) {
    const before = marked.get(id(p));
    if (before === undefined) {
      // A containerd shim removes its socket only when it exits by itself (after the step's
      // cleanup deleted its task); killed, it would leave the socket behind.
      if (keep(p) || p.comm.startsWith('containerd-shim')) continue;
      plan.kill.push({ kind: 'process', pid: p.pid, start: p.start });
      continue;
    }
    for (const line of before.cgroups) {
      if (p.cgroups.includes(line)) continue;
      const mp = mountPointOf(line, hierarchies);
      const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
      if (mp === undefined || !isUnder(path, scope.cgroupPath)) continue;
      plan.moveBack.push({
        pid: p.pid,
        start: p.start,
        file: join(mp, path, 'cgroup.procs'),
        to: path,
      });
    }
  }

  // Mounts: the host's below the lab's directories; those in the lab's namespaces that
  // were there at the mark (a namespace made since goes with its processes).
  const markNs = new Map(mark.mountNamespaces.map((n) => [n.inode, n]));
  const alive = new Map(now.processes.map((p) => [p.pid, p]));
  for (const ns of now.mountNamespaces) {
    const old = markNs.get(ns.inode);
    if (old === undefined) continue;
    const had = new Set(old.mounts.map((m) => m.id));
    const added = ns.mounts
      .filter((m) => !had.has(m.id))
      .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
    for (const m of added) {
      if (ns.host) {
        if (scope.dirs.some((d) => isUnder(m.mountPoint, d)))
          plan.unmount.push({ kind: 'mount', target: m.mountPoint });
        continue;
      }
      const holder = ns.pid === null ? undefined : alive.get(ns.pid);
      if (holder !== undefined)
        plan.unmount.push({
          kind: 'mount',
          target: m.mountPoint,
          ns: { pid: holder.pid, start: holder.start },
        });
    }
  }

  // Cgroups made since: the topmost of each (removing it removes what is below).
  const markCg = new Set(mark.cgroups.map((c) => `${c.mountPoint}\0${c.path}`));
  const made = now.cgroups.filter(
    (c) => c.path !== '.' && !markCg.has(`${c.mountPoint}\0${c.path}`),
  );
  for (const c of made) {
    const parent = c.path.includes('/') ? c.path.slice(0, c.path.lastIndexOf('/')) : '.';
    if (made.some((x) => x.mountPoint === c.mountPoint && x.path === parent)) continue;
    plan.cgroups.push({
      kind: 'cgroup',
      mountPoint: c.mountPoint,
      path: `${scope.cgroupPath.replace(/^\//, '')}/${c.path}`,
    });
  }
  const markLimits = new Map(mark.cgroups.map((c) => [`${c.mountPoint}\0${c.path}`, c.limits]));
  for (const c of now.cgroups) {
    const was = markLimits.get(`${c.mountPoint}\0${c.path}`);
    if (was === undefined) continue;
    for (const [file, value] of Object.entries(c.limits)) {
      const old = was[file];
      if (old === undefined || old === value || !RESTORABLE.has(file)) continue;
      const dir = join(c.mountPoint, scope.cgroupPath, c.path === '.' ? '' : c.path);
      plan.limits.push({
        file: join(dir, file),
        value: old,
        what: phrase('undo.limitBack', {
          file,
          cgroup: c.path === '.' ? phrase('undo.labCgroup') : c.path,
          value: old,
        }),
      });
    }
  }

  // Named network namespaces and host interfaces, when the lab made them.
  const made2 = madeByLab(options.entries ?? []);
  const markNames = new Set(mark.netns.flatMap((n) => n.names));
  for (const ns of now.netns)
    for (const name of ns.names)
      if (name.startsWith('contlab') && !markNames.has(name) && made2.netns.has(ns.inode))
        plan.network.push({ kind: 'netns', name });
  const markHost = new Set(mark.netns.find((n) => n.host)?.devices ?? []);
  for (const name of now.netns.find((n) => n.host)?.devices ?? [])
    if (name.startsWith('contlab') && !markHost.has(name) && made2.links.has(name))
      plan.network.push({ kind: 'veth', name });
  return plan;
}

async function removeAll(
  resources: Resource[],
  report: UndoReport,
  parallel: boolean,
): Promise<void> {
  const one = async (r: Resource): Promise<void> => {
    const outcome = await removeResource(r, { hurry: true });
    if (outcome.error !== undefined)
      report.errors.push(line(report.said, notRemoved(r, outcome.error)));
    else if (outcome.removed) report.undone.push(line(report.said, described(r)));
  };
  if (parallel) await Promise.all(resources.map(one));
  else for (const r of resources) await one(r);
}

/** Carries out a plan: kills, moves back, unmounts, removes, restores; reports each step. */
export async function carryOut(plan: UndoPlan): Promise<UndoReport> {
  const report: UndoReport = { undone: [], errors: [], said: {} };
  for (const t of plan.thaw) {
    try {
      writeFileSync(t.file, t.value);
    } catch (err) {
      const error = messageOf(err);
      report.errors.push(line(report.said, phrase('undo.thawFailed', { file: t.file, error })));
    }
  }
  await removeAll(plan.kill, report, true);
  for (const m of plan.moveBack) {
    const values = { pid: String(m.pid), cgroup: m.to };
    try {
      writeFileSync(m.file, String(m.pid));
      report.undone.push(line(report.said, phrase('undo.movedBack', values)));
    } catch (err) {
      const error = messageOf(err);
      report.errors.push(line(report.said, phrase('undo.moveBackFailed', { ...values, error })));
    }
  }
  await removeAll(plan.unmount, report, false);
  await removeAll(plan.cgroups, report, false);
  for (const l of plan.limits) {
    try {
      writeFileSync(l.file, l.value);
      report.undone.push(line(report.said, l.what));
    } catch (err) {
      const error = messageOf(err);
      report.errors.push(line(report.said, phrase('undo.failed', { what: l.what, error })));
    }
  }
  await removeAll(plan.network, report, false);
  return report;
}

/** Looks at the lab now, and takes it back to `mark`. */
export async function undoToMark(
  mark: LabState,
  scope: UndoScope,
  options: UndoOptions = {},
): Promise<UndoReport> {
  const hierarchies = options.hierarchies ?? labHierarchies();
  const now = await readLabState(scope, { hierarchies });
  return carryOut(planUndo(mark, now, scope, { ...options, hierarchies }));
}

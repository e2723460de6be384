/**
 * The start-up sweep of the commands that open a lab (contlab, start, present, verify): a
 * lab that died without closing its session and that no supervisor is cleaning (both were
 * killed, the machine crashed) is cleaned up now, and one line says what was removed.
 */
import { cleanup, type CleanupReport } from '../engine/cleanup.js';
import { messageOf } from '../engine/errors.js';
import { deadSessions } from '../engine/lab-leftovers.js';
import { ensureLabDirs, isRoot } from '../engine/paths.js';
import type { ResourceKind } from '../engine/resources.js';
import { marks } from './output.js';

/** What each kind is called in the summary: [one, many]. Containers of all kinds are one. */
const WORDS: Record<ResourceKind, [string, string]> = {
  daemon: ['daemon', 'daemons'],
  container: ['container', 'containers'],
  'containerd-container': ['container', 'containers'],
  'docker-container': ['container', 'containers'],
  process: ['process', 'processes'],
  supervisor: ['supervisor', 'supervisors'],
  cgroup: ['cgroup', 'cgroups'],
  mount: ['mount', 'mounts'],
  netns: ['network namespace', 'network namespaces'],
  veth: ['network interface', 'network interfaces'],
  dir: ['directory', 'directories'],
};

const count = (n: number, [one, many]: [string, string]): string => `${n} ${n === 1 ? one : many}`;

/** "2 daemons, 3 containers, 9 cgroups": what a cleanup removed, by kind. */
export function summarize(report: Pick<CleanupReport, 'removedKinds'>): string {
  const byWords = new Map<string, { n: number; words: [string, string] }>();
  for (const [kind, words] of Object.entries(WORDS)) {
    const n = report.removedKinds[kind] ?? 0;
    if (n === 0) continue;
    const entry = byWords.get(words[0]) ?? { n: 0, words };
    entry.n += n;
    byWords.set(words[0], entry);
  }
  return [...byWords.values()].map((e) => count(e.n, e.words)).join(', ');
}

/** One line about the dead labs cleaned up at start, or undefined when there were none. */
export async function sweepDeadSessions(): Promise<string | undefined> {
  // Every lesson needs root: without it there is no lab of this user to clean up after.
  if (!isRoot()) return undefined;
  ensureLabDirs();
  const dead = deadSessions();
  if (dead.length === 0) return undefined;
  const report = await cleanup({ sweepHost: false, waitForSupervisors: false });
  const labs = count(report.sessions.length || dead.length, ['lab', 'labs']);
  const what = summarize(report) || 'nothing was left but its journal';
  const failed =
    report.errors.length === 0
      ? ''
      : `; ${report.errors.length} could not be removed: run contlab cleanup`;
  return `cleaned up after ${labs} that ended without closing: ${what}${failed}`;
}

/**
 * Runs the sweep and prints its line on stderr (it stays above a full-screen UI, seen when
 * the UI ends); returns the line too, for a screen to show. A failure is one warning.
 */
export async function sweepAtStart(): Promise<string | undefined> {
  let line: string;
  let mark: string;
  try {
    const swept = await sweepDeadSessions();
    if (swept === undefined) return undefined;
    [line, mark] = [swept, marks.ok];
  } catch (err) {
    line = `could not clean up after earlier labs: ${messageOf(err)} (run contlab cleanup)`;
    mark = marks.warn;
  }
  process.stderr.write(`${mark} contlab: ${line}\n`);
  return line;
}

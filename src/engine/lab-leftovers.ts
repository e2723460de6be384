/**
 * Finding what earlier labs left on this host, cheaply and without changing anything:
 * the dead sessions a starting `contlab` should clean up after (their journals, session
 * directories and session cgroups), and, for a user who is not root, the lab resources
 * only root can remove (so `contlab cleanup` can say it needs root instead of "nothing to
 * clean up").
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CGROUP_PARENT, labHierarchies } from './cgroupfs.js';
import { busySessions } from './cleanup.js';
import { errnoOf } from './errors.js';
import { journalDir, labHome, runDir, sessionsDir } from './paths.js';
import { sessionIsLive } from './session.js';

/** Where root's lab lives when CONTLAB_HOME and CONTLAB_RUN are not set (see paths.ts). */
const ROOT_HOME = '/var/lib/contlab';
const ROOT_RUN = '/run/contlab';

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Dead sessions of this lab home nobody is cleaning: journals, session and runtime
 * directories whose owner process is gone and whose supervisor is not running. (Another
 * lab home's are its own business: on a shared machine, only `contlab cleanup` run by
 * hand goes further.) Reading directories only: next to nothing when there are none.
 */
export function deadSessions(): string[] {
  const names = [
    ...listNames(journalDir()).filter((f) => f.endsWith('.jsonl')),
    ...listNames(sessionsDir()),
    ...listNames(runDir()),
  ];
  const dead = new Set<string>();
  for (const name of names) {
    const id = name.replace(/\.jsonl$/, '');
    if (/^session-\d+-\d+$/.test(id) && !sessionIsLive(id)) dead.add(id);
  }
  if (dead.size === 0) return [];
  const busy = busySessions();
  return [...dead].filter((id) => !busy.has(id)).sort();
}

/** The owner's uid; 0 also for a path this user may not even look at (root's, then). */
function ownerOf(path: string): number | undefined {
  try {
    return statSync(path).uid;
  } catch (err) {
    return errnoOf(err) === 'EACCES' ? 0 : undefined;
  }
}

/**
 * Lab resources on this host that only root can remove, in words, for a user who is not
 * root: the lab home (when it is root's), lab cgroups, `contlab-*` network namespaces and
 * interfaces, and root's session journals and directories.
 */
export function rootOwnedLeftovers(): string[] {
  const out: string[] = [];
  const home = labHome();
  if (ownerOf(home) === 0) out.push(`the lab home ${home} belongs to root`);
  const cgroupParents = labHierarchies()
    .map((h) => join(h.mountPoint, LAB_CGROUP_PARENT))
    .filter((p) => ownerOf(p) !== undefined);
  if (cgroupParents.length > 0)
    out.push(
      `lab cgroups under ${cgroupParents[0]}${cgroupParents.length > 1 ? ' (and in the other hierarchies)' : ''}`,
    );
  const netns = listNames('/run/netns').filter((n) => n.startsWith('contlab'));
  if (netns.length > 0) out.push(`network namespaces ${netns.join(', ')}`);
  const links = listNames('/sys/class/net').filter((n) => n.startsWith('contlab'));
  if (links.length > 0) out.push(`network interfaces ${links.join(', ')}`);
  if (home !== ROOT_HOME) {
    const journals = join(ROOT_HOME, 'journal');
    // root's journal directory is 0700: that it exists at all is what can be known.
    if (ownerOf(journals) === 0 && (listNames(journals).length > 0 || !readable(journals)))
      out.push(`root's lab journals in ${journals}`);
  }
  if (runDir() !== ROOT_RUN) {
    const sessions = listNames(ROOT_RUN).filter((n) => n.startsWith('session-'));
    if (sessions.length > 0) out.push(`root's lab sessions in ${ROOT_RUN}`);
  }
  return out;
}

function readable(dir: string): boolean {
  try {
    readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

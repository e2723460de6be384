/**
 * What a lesson step must not change on the host: the host's mount table (PID 1's), the
 * cgroup tree (directories, and which controllers each v2 group hands to its children), and
 * the network interfaces of the host's network namespace. Taken before and after a step, the
 * difference outside the lab's own things is what the step did to the host.
 *
 * The lab's own: mounts under the lab's home and run folders, cgroups under the lab's
 * session, interfaces named contlab* while the lab is open (they must be gone once it
 * closed). The cgroup tree is compared at its top level and at the lab's shared parent. Other labs on the same machine (other sessions' cgroups, other lab homes, which
 * all have "contlab" in their paths) are not this step's doing and are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupHierarchies, LAB_CGROUP_PARENT } from '../../engine/cgroupfs.js';
import { parseMountinfo } from '../../engine/observer/index.js';

export interface HostSnapshot {
  mounts: Set<string>;
  cgroups: Set<string>;
  links: Set<string>;
}

export interface SnapshotScope {
  /** Folders whose mounts are the lab's (its home and run folders). */
  labDirs: string[];
  /** The lab session's cgroup path relative to each hierarchy root (contlab/session-...). */
  labCgroup: string | undefined;
  /** Whether contlab* interfaces count as the lab's (while it is open). */
  labLinksAreOwn: boolean;
}

/**
 * How deep the cgroup tree is compared. A step's mistake lands at the top (a path built from
 * an empty variable: /sys/fs/cgroup/memory/x) or in the lab's shared parent; deeper groups
 * elsewhere are other programs' (the machine's own service manager makes and removes them
 * all the time) and would only be noise.
 */
const MAX_DEPTH = 1;

export function hostSnapshot(scope: SnapshotScope): HostSnapshot {
  return { mounts: mounts(scope), cgroups: cgroups(scope), links: links(scope) };
}

/** Entries of `after` that `before` lacks, and the reverse: `+ x` added, `- x` removed. */
export function hostChanges(before: HostSnapshot, after: HostSnapshot): string[] {
  const out: string[] = [];
  for (const key of ['mounts', 'cgroups', 'links'] as const) {
    for (const e of after[key]) if (!before[key].has(e)) out.push(`+ ${key}: ${e}`);
    for (const e of before[key]) if (!after[key].has(e)) out.push(`- ${key}: ${e}`);
  }
  return out;
}

const isUnder = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`);

function mounts(scope: SnapshotScope): Set<string> {
  let text = '';
  try {
    text = readFileSync('/proc/1/mountinfo', 'utf8');
  } catch {
    return new Set();
  }
  // A mount stacked on an identical one is a change too: count repeats.
  const seen = new Map<string, number>();
  return new Set(
    parseMountinfo(text)
      .filter((m) => !scope.labDirs.some((d) => isUnder(m.mountPoint, d)))
      .filter((m) => !/\/contlab/.test(m.mountPoint))
      .map((m) => {
        const key = `${m.mountPoint} ${m.fstype} ${m.source}`;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        return n === 1 ? key : `${key} (stacked ${n})`;
      }),
  );
}

function cgroups(scope: SnapshotScope): Set<string> {
  const out = new Set<string>();
  for (const h of cgroupHierarchies()) {
    const walk = (rel: string, depth: number): void => {
      if (scope.labCgroup !== undefined && isUnder(rel, scope.labCgroup)) return;
      // Other labs' sessions (and their groups) are theirs; the shared parent is watched.
      if (isUnder(rel, LAB_CGROUP_PARENT) && rel !== LAB_CGROUP_PARENT) return;
      const dir = join(h.mountPoint, rel);
      const control = h.version === 2 ? ` [${readOr(join(dir, 'cgroup.subtree_control'))}]` : '';
      out.add(`${h.mountPoint}/${rel}${control}`);
      if (depth >= MAX_DEPTH) return;
      let names: string[] = [];
      try {
        names = readdirSync(dir).filter((n) => isDir(join(dir, n)));
      } catch {
        return;
      }
      for (const n of names) walk(rel === '' ? n : `${rel}/${n}`, depth + 1);
    };
    walk('', 0);
  }
  return out;
}

function links(scope: SnapshotScope): Set<string> {
  let names: string[] = [];
  try {
    // The host's network namespace is PID 1's: read its interfaces from there.
    names = readdirSync('/proc/1/root/sys/class/net');
  } catch {
    return new Set();
  }
  return new Set(names.filter((n) => !(scope.labLinksAreOwn && n.startsWith('contlab'))));
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

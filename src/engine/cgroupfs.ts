/**
 * The cgroup filesystems mounted on this host, read from /proc/self/mountinfo. Hosts come
 * in three shapes: v1 (one hierarchy per controller), hybrid (v1 controllers plus an empty
 * v2 tree, like this lab's CI machine) and v2 (one unified hierarchy). The lab creates its
 * cgroups under a `contlab` parent in every hierarchy that has a controller.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

export type CgroupMode = 'v1' | 'hybrid' | 'v2' | 'none';

export interface Hierarchy {
  /** 'v1' hierarchies carry controllers in their mount options; 'v2' is the unified tree. */
  version: 1 | 2;
  mountPoint: string;
  /** Controllers this hierarchy manages (v1: from mount options; v2: cgroup.controllers). */
  controllers: string[];
}

const V1_CONTROLLERS = new Set([
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'devices',
  'freezer',
  'net_cls',
  'blkio',
  'perf_event',
  'net_prio',
  'hugetlb',
  'pids',
  'rdma',
  'misc',
]);

/** Unescapes the octal escapes (\040 for a space) the kernel uses in mountinfo paths. */
export function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseCgroupMounts(
  mountinfo: string,
  readControllers: (mp: string) => string[],
): Hierarchy[] {
  const out: Hierarchy[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const fstype = right[0];
    const mountPoint = unescapeMountPath(left[4] ?? '');
    if (fstype === 'cgroup2') {
      out.push({ version: 2, mountPoint, controllers: readControllers(mountPoint) });
    } else if (fstype === 'cgroup') {
      const opts = (right[2] ?? '').split(',');
      const controllers = opts.filter((o) => V1_CONTROLLERS.has(o));
      const named = opts.find((o) => o.startsWith('name='));
      if (named !== undefined) controllers.push(named);
      out.push({ version: 1, mountPoint, controllers });
    }
  }
  return out;
}

function readV2Controllers(mountPoint: string): string[] {
  try {
    return readFileSync(`${mountPoint}/cgroup.controllers`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
  } catch {
    return [];
  }
}

export function cgroupHierarchies(): Hierarchy[] {
  return parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'), readV2Controllers);
}

export function cgroupMode(hierarchies: Hierarchy[] = cgroupHierarchies()): CgroupMode {
  const hasV1 = hierarchies.some((h) => h.version === 1);
  const hasV2 = hierarchies.some((h) => h.version === 2);
  if (hasV1 && hasV2) return 'hybrid';
  if (hasV1) return 'v1';
  if (hasV2) return 'v2';
  return 'none';
}

/**
 * The hierarchies the lab makes its cgroups in: every v1 hierarchy (controllers and the
 * named systemd one, so a process can be placed consistently) and the v2 tree. On a hybrid
 * host the v2 tree has no controllers but still groups processes, so the lab uses it too.
 */
export function labHierarchies(): Hierarchy[] {
  return cgroupHierarchies();
}

/** The mount point of the hierarchy managing `controller` (v1), or the v2 tree having it. */
export function hierarchyFor(
  controller: string,
  hierarchies: Hierarchy[] = cgroupHierarchies(),
): Hierarchy | undefined {
  return (
    hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller)) ??
    hierarchies.find((h) => h.version === 2 && h.controllers.includes(controller))
  );
}

export const LAB_CGROUP_PARENT = 'contlab';

/**
 * A new v1 cpuset cgroup starts with no CPUs and no memory nodes, and the kernel refuses to
 * put a process in it (ENOSPC) until both are set: copy them from the parent, walking down.
 */
export function initCpusetPath(mountPoint: string, relPath: string): void {
  let dir = mountPoint;
  for (const part of relPath.split('/').filter(Boolean)) {
    const parent = dir;
    dir = `${dir}/${part}`;
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      const mine = readFileSync(`${dir}/${file}`, 'utf8').trim();
      if (mine === '')
        writeFileSync(`${dir}/${file}`, readFileSync(`${parent}/${file}`, 'utf8').trim());
    }
  }
}

/** Creates `relPath` in a hierarchy, making it usable at once (cpuset initialised on v1). */
export function makeCgroupDir(h: Hierarchy, relPath: string): string {
  const abs = `${h.mountPoint}/${relPath}`;
  mkdirSync(abs, { recursive: true });
  if (h.version === 1 && h.controllers.includes('cpuset')) initCpusetPath(h.mountPoint, relPath);
  return abs;
}

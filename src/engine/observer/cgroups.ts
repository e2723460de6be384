/**
 * Where a process's (or a path's) cgroup lives in every mounted hierarchy, and its limits
 * and usage read through one model. On a v1 or hybrid host each resource is read from its
 * v1 controller; a resource no v1 hierarchy manages is read from the v2 tree if that has
 * the controller. The freezer is core in v2 (cgroup.freeze) and needs no controller.
 *
 * Paths in /proc/PID/cgroup are relative to the reader's cgroup namespace root, and the
 * lab's hierarchies are mounted at their root, so mount point + path is the directory.
 */
import { parseCgroupMounts, type Hierarchy } from '../cgroupfs.js';
import {
  parseProcCgroup,
  unifiedPath,
  v1PathFor,
  type CgroupMembership,
} from './cgroup-membership.js';
import type { CgroupLocation, CgroupStats, V1Controller } from './cgroup-stats.js';
import { readV1Cpu, readV1Freezer, readV1Io, readV1Memory, readV1Pids } from './cgroup-v1.js';
import { readV2Cpu, readV2Freezer, readV2Io, readV2Memory, readV2Pids } from './cgroup-v2.js';
import { liveSource, type KernelSource } from './source.js';

const V1_CONTROLLERS: V1Controller[] = ['memory', 'cpu', 'cpuacct', 'pids', 'blkio', 'freezer'];

function join(mountPoint: string, path: string): string {
  return path === '/' || path === '' ? mountPoint : `${mountPoint.replace(/\/$/, '')}${path}`;
}

/**
 * The cgroup hierarchies mounted as seen by `/proc/self/mountinfo` of `source` (so a
 * fixture tree can stand in for a host), with the v2 tree's controllers.
 */
export async function readHierarchies(source: KernelSource = liveSource): Promise<Hierarchy[]> {
  const mountinfo = (await source.readText('/proc/self/mountinfo')) ?? '';
  const hierarchies = parseCgroupMounts(mountinfo, () => []);
  for (const h of hierarchies) {
    if (h.version !== 2) continue;
    const text = await source.readText(`${h.mountPoint}/cgroup.controllers`);
    h.controllers = (text ?? '').trim().split(/\s+/).filter(Boolean);
  }
  return hierarchies;
}

/** The directories of a process's cgroups, from its /proc/PID/cgroup lines. */
export function locateMemberships(
  memberships: CgroupMembership[],
  hierarchies: Hierarchy[],
): CgroupLocation {
  const loc: CgroupLocation = { v1: {} };
  for (const controller of V1_CONTROLLERS) {
    const h = hierarchies.find((x) => x.version === 1 && x.controllers.includes(controller));
    const path = v1PathFor(memberships, controller);
    if (h !== undefined && path !== undefined) loc.v1[controller] = join(h.mountPoint, path);
  }
  const v2 = hierarchies.find((x) => x.version === 2);
  const path = unifiedPath(memberships);
  if (v2 !== undefined && path !== undefined) {
    loc.v2 = { dir: join(v2.mountPoint, path), controllers: v2.controllers };
  }
  return loc;
}

/** The directories of the cgroup at `path` (like `/contlab/x`) in every hierarchy. */
export function locatePath(path: string, hierarchies: Hierarchy[]): CgroupLocation {
  const rel = path.startsWith('/') ? path : `/${path}`;
  const memberships: CgroupMembership[] = hierarchies.map((h, i) => ({
    hierarchyId: h.version === 2 ? 0 : i + 1,
    controllers: h.version === 2 ? [] : h.controllers,
    path: rel,
  }));
  return locateMemberships(memberships, hierarchies);
}

/** Reads every resource of the cgroup at `loc`. Missing files become null values. */
export async function readCgroupStats(
  loc: CgroupLocation,
  source: KernelSource = liveSource,
): Promise<CgroupStats> {
  const v2 = (controller: string): string | undefined =>
    loc.v2 !== undefined && loc.v2.controllers.includes(controller) ? loc.v2.dir : undefined;
  const memDir = loc.v1.memory;
  const cpuDir = loc.v1.cpu;
  const pidsDir = loc.v1.pids;
  const blkioDir = loc.v1.blkio;
  const freezerDir = loc.v1.freezer;
  const [memory, cpu, pids, io, freezer] = await Promise.all([
    memDir !== undefined
      ? readV1Memory(memDir, source)
      : optional(v2('memory'), (d) => readV2Memory(d, source)),
    cpuDir !== undefined
      ? readV1Cpu(cpuDir, loc.v1.cpuacct, source)
      : optional(v2('cpu'), (d) => readV2Cpu(d, source)),
    pidsDir !== undefined
      ? readV1Pids(pidsDir, source)
      : optional(v2('pids'), (d) => readV2Pids(d, source)),
    blkioDir !== undefined
      ? readV1Io(blkioDir, source)
      : optional(v2('io'), (d) => readV2Io(d, source)),
    freezerDir !== undefined
      ? readV1Freezer(freezerDir, source)
      : optional(loc.v2?.dir, (d) => readV2Freezer(d, source)),
  ]);
  return { memory, cpu, pids, io, freezer };
}

async function optional<T>(
  dir: string | undefined,
  read: (dir: string) => Promise<T>,
): Promise<T | null> {
  return dir === undefined ? null : read(dir);
}

export interface CgroupOptions {
  source?: KernelSource;
  hierarchies?: Hierarchy[];
}

/** The cgroup limits and usage of the cgroup(s) process `pid` is in, or undefined if gone. */
export async function cgroupStatsOfPid(
  pid: number,
  options: CgroupOptions = {},
): Promise<{ location: CgroupLocation; stats: CgroupStats } | undefined> {
  const source = options.source ?? liveSource;
  const text = await source.readText(`/proc/${pid}/cgroup`);
  if (text === undefined) return undefined;
  const hierarchies = options.hierarchies ?? (await readHierarchies(source));
  const location = locateMemberships(parseProcCgroup(text), hierarchies);
  return { location, stats: await readCgroupStats(location, source) };
}

/** The cgroup limits and usage of the cgroup at `path` (relative to each hierarchy root). */
export async function cgroupStatsOfPath(
  path: string,
  options: CgroupOptions = {},
): Promise<CgroupStats> {
  const source = options.source ?? liveSource;
  const hierarchies = options.hierarchies ?? (await readHierarchies(source));
  return readCgroupStats(locatePath(path, hierarchies), source);
}

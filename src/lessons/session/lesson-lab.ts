/**
 * The lab a lesson runs in: one LabSession (its directory, cgroup parent and journal), a
 * busybox root filesystem in an OCI bundle directory, and the environment every lesson
 * shell gets. Everything is removed by close(), or by `contlab cleanup` if the lab dies.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupHierarchies, hierarchyFor, LAB_CGROUP_PARENT } from '../../engine/cgroupfs.js';
import { writeRootfsAsync } from '../../engine/image/rootfs.js';
import { LabSession, type SessionReport } from '../../engine/session.js';
import type { CheckContext } from '../checks/context.js';
import { observerSystem } from '../checks/system.js';
import type { Lesson } from '../format/model.js';
import { startDaemons } from './daemons.js';
import { wholeDiskOf } from './lab-disk.js';
import { LAB_INFO_FILE, type LabInfo } from './lab-info.js';
import { labPath } from './lab-path.js';

export interface LessonLab {
  session: LabSession;
  /** The environment of lesson shells, setup scripts and command checks. */
  env: NodeJS.ProcessEnv;
  context: CheckContext;
  /** cgroup.procs files a lab process writes its PID to before it execs (see spawn.ts). */
  procsFiles: string[];
  /**
   * Settles once the lab's root filesystem ($LAB_ROOTFS) is written; rejects if it could
   * not be. Already settled unless the lab was opened `early`.
   */
  ready: Promise<void>;
  close(): Promise<SessionReport>;
}

export interface OpenLabOptions {
  /**
   * Return before the root filesystem is written (the lesson player draws its first frame
   * and starts the shell meanwhile); `ready` says when it is. Whoever runs a step's
   * commands or checks awaits `ready` first.
   */
  early?: boolean;
}

/** Controllers the lab names a folder for: LAB_CGROUP_MEMORY ... (blkio is io on v2). */
const CONTROLLERS = ['memory', 'pids', 'cpu', 'freezer', 'devices', 'io'] as const;
/** v2 controllers the lab hands down to its session's groups (so lessons never have to). */
const V2_DELEGATED = ['memory', 'pids', 'cpu', 'io'];

/**
 * Opens the lab of `lesson` (its daemons started if it needs them). Only one per process:
 * a lab is a LabSession, and a process owns one session.
 */
export async function openLessonLab(
  lesson?: Lesson,
  options: OpenLabOptions = {},
): Promise<LessonLab> {
  const session = await LabSession.open();
  let ready: Promise<void> = Promise.resolve();
  try {
    const bundle = await session.makeDir(join(session.dir, 'bundle'));
    // Written on libuv's threads while the rest is set up (the session's folder is
    // journaled: cleanup removes a half-written tree too).
    ready = writeRootfsAsync(join(bundle, 'rootfs'));
    ready.catch(() => undefined); // awaited by whoever needs it: never unhandled
    const lab = await prepare(session, lesson, bundle, ready);
    if (options.early !== true) await ready;
    return lab;
  } catch (err) {
    // Nothing may still be writing into the session's folder while it is removed.
    await Promise.allSettled([ready]);
    await session.close();
    throw err;
  }
}

async function prepare(
  session: LabSession,
  lesson: Lesson | undefined,
  bundle: string,
  ready: Promise<void>,
): Promise<LessonLab> {
  const dirs = await session.cgroup();
  const rel = `${LAB_CGROUP_PARENT}/${session.id}`;
  enableV2Controllers(rel);
  // Lab processes live in a child cgroup: on v2 a cgroup that hands controllers to its
  // children may hold no processes itself (the "no internal processes" rule).
  const shellCgroups = [...(await session.cgroup('shell')).values()];
  const labEnv: Record<string, string> = {
    LAB_SESSION: session.id,
    LAB_DIR: session.dir,
    LAB_BUNDLE: bundle,
    LAB_ROOTFS: join(bundle, 'rootfs'),
    LAB_CGROUP: rel,
    ...cgroupEnv(dirs),
    ...diskEnv(session.dir),
    ...(await startDaemons(session, lesson?.requirements.daemons ?? [])),
  };
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: labPath(), ...labEnv };
  const base = `/${rel}`;
  const context: CheckContext = {
    system: () => observerSystem(env),
    cgroupBase: base,
    labScope: base,
    baseline: new Map(),
    env,
  };
  const procsFiles = shellCgroups.map((d) => join(d, 'cgroup.procs'));
  // Tells `contlab verify` and `contlab reset` in another terminal which lesson this lab runs.
  const info: LabInfo = { lesson: lesson?.id, file: lesson?.file, env: labEnv, procsFiles };
  writeFileSync(join(session.dir, LAB_INFO_FILE), JSON.stringify(info, null, 2) + '\n');
  return {
    session,
    env,
    context,
    procsFiles,
    ready,
    close: async () => {
      await Promise.allSettled([ready]);
      return session.close();
    },
  };
}

/**
 * LAB_CGROUP_MEMORY (and _PIDS, _CPU, _FREEZER): the session's cgroup directory in the
 * hierarchy that has the controller, so one lesson text works on v1 and v2. LAB_MEMORY_MAX
 * names the limit file there (memory.limit_in_bytes on v1, memory.max on v2).
 */
function cgroupEnv(dirs: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of CONTROLLERS) {
    const h = c === 'io' ? (hierarchyFor('blkio') ?? hierarchyFor('io')) : hierarchyFor(c);
    const dir = h === undefined ? undefined : dirs.get(h.mountPoint);
    if (h === undefined || dir === undefined) continue;
    out[`LAB_CGROUP_${c.toUpperCase()}`] = dir;
    if (c === 'memory') {
      out.LAB_CGROUP_VERSION = String(h.version);
      out.LAB_MEMORY_MAX = h.version === 2 ? 'memory.max' : 'memory.limit_in_bytes';
    }
  }
  return out;
}

/**
 * On v2 a child cgroup only has the controllers its parent enables for children: enable
 * them from the root (a systemd host has done that there already) down to the session.
 */
function enableV2Controllers(rel: string): void {
  const v2 = cgroupHierarchies().find((h) => h.version === 2);
  if (v2 === undefined) return;
  const wanted = v2.controllers.filter((c) => V2_DELEGATED.includes(c));
  if (wanted.length === 0) return;
  let dir = v2.mountPoint;
  for (const part of ['', ...rel.split('/')]) {
    dir = join(dir, part);
    try {
      writeFileSync(join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
    } catch {
      // the parent does not delegate it: checks will then say the controller is missing
    }
  }
}

/** LAB_DISK: MAJOR:MINOR of the whole disk under the lab's folder (io limits name disks). */
function diskEnv(dir: string): Record<string, string> {
  const disk = wholeDiskOf(dir);
  return disk === undefined ? {} : { LAB_DISK: disk };
}

/**
 * How each kind of lab resource is removed. Every remover is idempotent: a resource that is
 * already gone counts as removed=false, not as an error, so cleanup can run any number of
 * times. Processes are only ever ended by PID after checking their start time.
 */
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endDaemonChildren, removeEmptyHostDirs } from './daemons/leftovers.js';
import { LAB_CGROUP_PARENT, labHierarchies } from './cgroupfs.js';
import { errnoOf, messageOf } from './errors.js';
import { run } from './exec.js';
import { unmountAll, unmountIn, unmountUnder } from './mounts-host.js';
import { cmdlineOf, isAlive, listPids, startTimeOf, type ProcessIdentity } from './procfs.js';
import type { Resource } from './resources.js';

export interface RemoveOutcome {
  removed: boolean;
  error?: string;
}

export interface RemoveOptions {
  /**
   * The lab is dead (cleanup after a kill): no process or daemon is asked to stop first.
   * Everything they leave (shims, containers, mounts, cgroups) is removed by force anyway,
   * and a graceful dockerd stop alone takes seconds (it stops its containers first).
   */
  hurry?: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends SIGKILL to a process if it is still the same process; waits until it is gone. */
export async function killProcess(id: ProcessIdentity, graceMs = 0): Promise<boolean> {
  if (!isAlive(id)) return false;
  if (graceMs > 0) {
    try {
      process.kill(id.pid, 'SIGTERM');
    } catch {
      return false;
    }
    for (let waited = 0; waited < graceMs && isAlive(id); waited += 20) await sleep(20);
  }
  if (isAlive(id)) {
    try {
      process.kill(id.pid, 'SIGKILL');
    } catch {
      return false;
    }
  }
  for (let i = 0; i < 250 && startTimeOf(id.pid) === id.start; i++) {
    // A killed child of ours stays a zombie until reaped; that is gone enough.
    if (!isAlive(id)) break;
    await sleep(20);
  }
  return true;
}

function cgroupPids(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function childCgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function treePids(dir: string): number[] {
  return [...cgroupPids(dir), ...childCgroups(dir).flatMap(treePids)];
}

/** How long processes get to run their exit traps, and how long a lull ends that early. */
const HANG_UP_GRACE_MS = 300;
const HANG_UP_LULL_MS = 100;

/**
 * Hangs up every process in a cgroup tree, as a closed terminal would, and gives them a
 * moment to exit by themselves before they are killed. A killed shell skips its exit traps:
 * the learner's own start-up scripts take locks in their home (pyenv's rehash lock in
 * ~/.pyenv/shims), and one killed mid-way leaves every terminal they open afterwards
 * waiting 60 s for it. Waiting stops early once nothing has exited for a while (a
 * container's PID 1 ignores the hang-up; SIGKILL ends it).
 */
async function hangUpTree(dir: string): Promise<void> {
  let left = treePids(dir);
  if (left.length === 0) return;
  for (const pid of left)
    for (const sig of ['SIGHUP', 'SIGCONT'] as const) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  const start = Date.now();
  let lastExit = start;
  while (left.length > 0 && Date.now() - start < HANG_UP_GRACE_MS) {
    if (Date.now() - lastExit >= HANG_UP_LULL_MS) return;
    await sleep(10);
    const now = treePids(dir);
    if (now.length < left.length) lastExit = Date.now();
    left = now;
  }
}

/**
 * Removes a cgroup directory and its children: hangs up every process inside (they are the
 * lab's: nothing else is placed in a lab cgroup), kills what is left, then rmdir from the
 * leaves up.
 */
export async function removeCgroupTree(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return false;
  await hangUpTree(dir);
  return killAndRemove(dir);
}

async function killAndRemove(dir: string): Promise<boolean> {
  for (const child of childCgroups(dir)) await killAndRemove(child);
  for (let attempt = 0; attempt < 100; attempt++) {
    const pids = cgroupPids(dir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      rmdirSync(dir);
      return true;
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT') return true;
      if (code !== 'EBUSY' && code !== 'ENOTEMPTY') throw err;
      // A frozen cgroup never lets its killed processes die: thaw it (v1 and v2 files).
      // On v1 the freezer is its own hierarchy, so a process in this (say, memory) cgroup
      // may be frozen elsewhere: thaw the lab freezer cgroup each process is in as well.
      thaw(dir);
      for (const pid of cgroupPids(dir)) {
        const frozenAt = labFreezerOf(pid);
        if (frozenAt !== undefined) thaw(frozenAt);
      }
      await sleep(20);
    }
  }
  throw new Error(`cgroup ${dir} still busy after killing its processes`);
}

/** The v1 freezer cgroup directory of `pid`, when it is one of the lab's (never others'). */
function labFreezerOf(pid: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => /^\d+:([^:]*,)?freezer(,[^:]*)?:/.test(l));
  const path = line?.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
  const mount = labHierarchies().find((h) => h.controllers.includes('freezer'));
  if (path === undefined || mount === undefined) return undefined;
  if (!path.startsWith(`/${LAB_CGROUP_PARENT}/`)) return undefined;
  return join(mount.mountPoint, path);
}

function thaw(dir: string): void {
  for (const [file, value] of [
    ['freezer.state', 'THAWED'],
    ['cgroup.freeze', '0'],
  ] as const) {
    try {
      writeFileSync(join(dir, file), value);
    } catch {
      // this hierarchy has no such file: nothing to thaw here
    }
  }
}

/** Ends every process whose command line mentions `needle` (a lab-unique socket path). */
export async function killProcessesMentioning(needle: string): Promise<number> {
  let count = 0;
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    if (!cmdlineOf(pid).some((arg) => arg.includes(needle))) continue;
    const start = startTimeOf(pid);
    if (start !== undefined && (await killProcess({ pid, start }))) count += 1;
  }
  return count;
}

async function ok(cmd: string, args: string[], goneText: RegExp): Promise<boolean> {
  const r = await run(cmd, args, { timeoutMs: 30_000 });
  if (r.code === 0) return true;
  if (goneText.test(r.stderr + r.stdout)) return false;
  throw new Error(
    `${cmd} ${args.join(' ')}: ${(r.stderr || r.spawnError || `exit ${r.code}`).trim()}`,
  );
}

async function removeOne(r: Resource, hurry: boolean): Promise<boolean> {
  switch (r.kind) {
    case 'process':
      return killProcess(r, hurry ? 0 : 500);
    case 'supervisor':
      // The supervisor that runs this very cleanup exits by itself once it is done.
      if (r.pid === process.ppid) return false;
      return killProcess(r);
    case 'daemon': {
      const killed = await killProcess(r, hurry ? 0 : 3000);
      // Its shims and their containers, and what those keep outside the daemon's dirs.
      const others = await endDaemonChildren(r.address);
      let unmounted = 0;
      for (const d of r.dirs) unmounted += await unmountUnder(d);
      removeEmptyHostDirs(r.name);
      return killed || others > 0 || unmounted > 0;
    }
    case 'cgroup':
      return removeCgroupTree(join(r.mountPoint, r.path));
    case 'mount':
      if (r.ns !== undefined) return (await unmountIn(r.ns, r.target)) > 0;
      return (await unmountAll(r.target)) > 0;
    case 'netns':
      if (!existsSync(`/run/netns/${r.name}`)) return false;
      return ok('ip', ['netns', 'delete', r.name], /No such file|Cannot find/i);
    case 'veth': {
      const args = r.netns ? ['-n', r.netns, 'link', 'delete', r.name] : ['link', 'delete', r.name];
      return ok(
        'ip',
        args,
        /Cannot find device|does not exist|No such file|Cannot open network namespace/i,
      );
    }
    case 'container':
      return ok(
        r.runtime,
        ['--root', r.root, 'delete', '--force', r.id],
        /does not exist|not found|No such file/i,
      );
    case 'containerd-container': {
      const base = ['--address', r.address, '--namespace', r.namespace];
      if (!existsSync(r.address)) return false;
      await run('ctr', [...base, 'tasks', 'kill', '--signal', 'SIGKILL', r.id], {
        timeoutMs: 15_000,
      });
      await run('ctr', [...base, 'tasks', 'delete', '--force', r.id], { timeoutMs: 15_000 });
      return ok('ctr', [...base, 'containers', 'delete', r.id], /not found|no such/i);
    }
    case 'docker-container': {
      const sock = r.host.replace(/^unix:\/\//, '');
      if (!existsSync(sock)) return false;
      return ok('docker', ['--host', r.host, 'rm', '--force', r.id], /No such container/i);
    }
    case 'dir': {
      if (!existsSync(r.path)) return false;
      await unmountUnder(r.path);
      rmSync(r.path, { recursive: true, force: true });
      return true;
    }
  }
}

export async function removeResource(
  r: Resource,
  options: RemoveOptions = {},
): Promise<RemoveOutcome> {
  try {
    return { removed: await removeOne(r, options.hurry === true) };
  } catch (err) {
    return { removed: false, error: messageOf(err) };
  }
}

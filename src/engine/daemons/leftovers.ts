/**
 * What a lab daemon leaves behind outside its own directories when it is killed, and how to
 * end it. This is the part of the `daemon` remover that knows containerd and dockerd:
 *
 * - containerd's shims outlive it, and each shim's containers outlive the shim (they are
 *   reparented to init when it dies): so the shims *and all their descendants* are ended.
 * - containerd 1.6 puts every shim's socket in /run/containerd/s/<sha256(address/ns/id)>,
 *   and a container made with ctr's defaults keeps its runc state in
 *   /run/containerd/runc/<ns>/<id> and its cgroup in /<ns>/<id> (the lab's own namespace's
 *   /contlab-<pid> is journaled by startLabContainerd, so the session removes that tree).
 *   Those of the containers just ended are removed, nothing else.
 * - ctr makes a container's stdio FIFOs in /run/containerd/fifo/<random>/ unless told
 *   otherwise, and `ctr run -d` never removes them: the shim has them open, which is how
 *   the ones of the ended containers are found.
 * - the daemons create a few empty directories of their own (/run/containerd/s,
 *   /run/docker/plugins). They are removed when empty: everything that uses them creates
 *   them again on demand, and rmdir never removes a directory in use.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { LAB_CGROUP_PARENT, labHierarchies } from '../cgroupfs.js';
import { run } from '../exec.js';
import { cmdlineOf, isAlive, listPids, startTimeOf, type ProcessIdentity } from '../procfs.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const SHIM_SOCKET_DIR = '/run/containerd/s';
const DEFAULT_RUNC_ROOT = '/run/containerd/runc';
const DEFAULT_FIFO_DIR = '/run/containerd/fifo';

/** Empty directories each daemon may have made on the host, deepest first. */
const HOST_DIRS: Record<string, string[]> = {
  containerd: [SHIM_SOCKET_DIR, '/run/containerd/fifo', DEFAULT_RUNC_ROOT, '/run/containerd'],
  dockerd: ['/run/docker/plugins', '/run/docker'],
};

interface Shim {
  id: ProcessIdentity;
  namespace?: string;
  container?: string;
  address?: string;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function parentsOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const pid of listPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // exited while we looked
    }
  }
  return children;
}

function descendantsOf(pid: number, children: Map<number, number[]>): number[] {
  const out: number[] = [];
  const todo = [...(children.get(pid) ?? [])];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/** The FIFOs under ctr's default FIFO directory that a process has open. */
function defaultFifosOpenedBy(pid: number): string[] {
  const out: string[] = [];
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith(DEFAULT_FIFO_DIR + '/')) out.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

/** The cgroup paths (relative to each hierarchy) a process is in. */
function cgroupPathsOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(l.indexOf(':', l.indexOf(':') + 1) + 1));
  } catch {
    return [];
  }
}

async function killAll(ids: ProcessIdentity[]): Promise<number> {
  let count = 0;
  for (const id of ids) {
    if (!isAlive(id)) continue;
    try {
      process.kill(id.pid, 'SIGKILL');
      count += 1;
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 250 && ids.some((id) => isAlive(id)); i++) await sleep(20);
  return count;
}

/** containerd 1.6's shim socket: /run/containerd/s/<hex sha256 of address/ns/id>. */
export function shimSocketPath(address: string, namespace: string, id: string): string {
  const hash = createHash('sha256')
    .update(posix.join(address, namespace, id))
    .digest('hex');
  return join(SHIM_SOCKET_DIR, hash);
}

function removeSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // not there
  }
}

function rmdirQuietly(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // not empty, in use, or gone: all fine
  }
}

/**
 * Ends every process whose command line names `address` (the daemon's shims) and all their
 * descendants (their containers), then removes what those containers kept on the host.
 * Returns how many processes it ended.
 */
export async function endDaemonChildren(address: string): Promise<number> {
  const children = parentsOf();
  const shims: Shim[] = [];
  const doomed: ProcessIdentity[] = [];
  const cgroups = new Set<string>();
  const fifos = new Set<string>();
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const args = cmdlineOf(pid);
    if (!args.some((a) => a.includes(address))) continue;
    const start = startTimeOf(pid);
    if (start === undefined) continue;
    const shim: Shim = {
      id: { pid, start },
      namespace: flag(args, '-namespace'),
      container: flag(args, '-id'),
      address: flag(args, '-address'),
    };
    shims.push(shim);
    for (const f of defaultFifosOpenedBy(pid)) fifos.add(f);
    for (const d of descendantsOf(pid, children)) {
      const s = startTimeOf(d);
      if (s === undefined) continue;
      doomed.push({ pid: d, start: s });
      // A container's own cgroup is named after it: only those are removed afterwards.
      if (shim.container !== undefined)
        for (const c of cgroupPathsOf(d))
          if (c.startsWith(`/${LAB_CGROUP_PARENT}/`) && basename(c) === shim.container)
            cgroups.add(c);
    }
  }
  // Descendants and shims at once: a shim that died first would orphan its containers.
  const count = await killAll([...doomed, ...shims.map((s) => s.id)]);

  for (const s of shims) {
    if (s.namespace === undefined || s.container === undefined || s.address === undefined) continue;
    removeSocket(shimSocketPath(s.address, s.namespace, s.container));
    // runc's state of a container made with the default runc root; --force also removes
    // its cgroups. (The lab's own containers keep theirs in the session instead.)
    const root = join(DEFAULT_RUNC_ROOT, s.namespace);
    try {
      lstatSync(join(root, s.container, 'state.json'));
      await run('runc', ['--root', root, 'delete', '--force', s.container], { timeoutMs: 15_000 });
    } catch {
      // no such state: nothing to delete
    }
    rmdirQuietly(join(root, s.container));
    rmdirQuietly(root);
  }
  for (const c of cgroups) for (const h of labHierarchies()) rmdirQuietly(join(h.mountPoint, c));
  for (const f of fifos) {
    try {
      if (lstatSync(f).isFIFO()) unlinkSync(f);
    } catch {
      // already gone
    }
    rmdirQuietly(dirname(f));
  }
  return count;
}

/** Removes the daemon's own empty directories on the host (see HOST_DIRS). */
export function removeEmptyHostDirs(daemon: string): void {
  for (const dir of HOST_DIRS[daemon] ?? []) {
    // One level of children too (/run/containerd/runc/<namespace>): empty ones only.
    try {
      for (const child of readdirSync(dir)) rmdirQuietly(join(dir, child));
    } catch {
      // no such directory
    }
    rmdirQuietly(dir);
  }
}

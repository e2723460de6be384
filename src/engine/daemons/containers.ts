/**
 * Containers the lab itself creates in its daemons. Each is journaled (containerd-container
 * or docker-container) before it is created, so `contlab cleanup` removes it through its
 * daemon even when the lab was killed. Containers a learner makes by hand are not journaled;
 * they end with their daemon (see the `daemon` remover).
 */
import { join } from 'node:path';
import { LAB_CGROUP_PARENT } from '../cgroupfs.js';
import { LabError } from '../errors.js';
import type { RunResult } from '../exec.js';
import { DOCKER_TAG, IMAGE_REFERENCE } from '../image/oci-layout.js';
import type { Resource } from '../resources.js';
import { labName, type LabSession } from '../session.js';
import type { LabContainerd } from './containerd.js';
import type { LabDockerd } from './dockerd.js';

export interface RunOptions {
  /** Start it in the background (`-d`) instead of waiting for it to exit. */
  detach?: boolean;
  /** The image reference; the lab image when omitted. */
  image?: string;
}

export interface LabContainer {
  id: string;
  /** The foreground run's output; empty for a detached one. */
  result: RunResult;
  /** Kills and deletes the container (nothing when it is already gone). */
  remove(): Promise<void>;
}

function ctrFailed(what: string, r: RunResult): LabError {
  return new LabError(`${what}: ${(r.stderr || r.spawnError || `exit ${r.code}`).trim()}`);
}

/**
 * `ctr run` in a lab containerd, with the container's runc state, FIFOs and cgroup inside
 * the session (containerd's defaults would put them under /run/containerd and /contlab/<id>).
 */
export async function runInContainerd(
  session: LabSession,
  containerd: LabContainerd,
  name: string,
  command: readonly string[],
  opts: RunOptions = {},
): Promise<LabContainer> {
  const id = labName(name, 64);
  const resource: Resource = {
    kind: 'containerd-container',
    address: containerd.address,
    namespace: containerd.namespace,
    id,
  };
  const args = [
    'run',
    ...(opts.detach ? ['--detach'] : ['--rm']),
    '--runc-root',
    containerd.runcRoot,
    '--fifo-dir',
    containerd.fifoDir,
    '--cgroup',
    join('/', LAB_CGROUP_PARENT, session.id, 'containerd', id),
    opts.image ?? IMAGE_REFERENCE,
    id,
    ...command,
  ];
  const result = await session.track(resource, async () => {
    const r = await containerd.ctr(args, { timeoutMs: opts.detach ? 60_000 : 600_000 });
    if (opts.detach && r.code !== 0) throw ctrFailed(`ctr run ${id}`, r);
    return r;
  });
  const container: LabContainer = { id, result, remove: () => session.remove(resource) };
  // A foreground --rm run is already gone: release its journal entry now.
  if (!opts.detach) await container.remove();
  return container;
}

/** `docker run` in a lab dockerd; no network unless the lesson asks for one. */
export async function runInDocker(
  session: LabSession,
  dockerd: LabDockerd,
  name: string,
  command: readonly string[],
  opts: RunOptions & { network?: string; extraArgs?: readonly string[] } = {},
): Promise<LabContainer> {
  const id = labName(name, 64);
  const resource: Resource = { kind: 'docker-container', host: dockerd.host, id };
  const args = [
    'run',
    ...(opts.detach ? ['--detach'] : ['--rm']),
    '--name',
    id,
    '--network',
    opts.network ?? 'none',
    ...(opts.extraArgs ?? []),
    opts.image ?? DOCKER_TAG,
    ...command,
  ];
  const result = await session.track(resource, async () => {
    const r = await dockerd.docker(args, { timeoutMs: opts.detach ? 60_000 : 600_000 });
    if (opts.detach && r.code !== 0) throw ctrFailed(`docker run ${id}`, r);
    return r;
  });
  const container: LabContainer = { id, result, remove: () => session.remove(resource) };
  if (!opts.detach) await container.remove();
  return container;
}

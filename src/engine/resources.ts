/**
 * The kinds of host resource the lab creates. Each is described by exactly what cleanup
 * needs to find and remove it again, even when the process that made it is long dead.
 */
import type { ProcessIdentity } from './procfs.js';

export type Resource =
  /** A cgroup directory; `path` is relative to the hierarchy's mount point. */
  | { kind: 'cgroup'; mountPoint: string; path: string }
  /**
   * A mount in the host's mount namespace, or (`ns`) in the mount namespace of a process:
   * unmounted there only while that very process (PID and start time) still lives.
   */
  | { kind: 'mount'; target: string; ns?: ProcessIdentity }
  /** A named network namespace (`ip netns add`). */
  | { kind: 'netns'; name: string }
  /** One end of a veth pair; `netns` when it lives in a named namespace. */
  | { kind: 'veth'; name: string; netns?: string }
  /**
   * A process the lab started (a shell, qemu, virtiofsd): ended by PID, and only while its
   * start time still matches, so a reused PID is never hit.
   */
  | ({ kind: 'process' } & ProcessIdentity)
  /**
   * The session's supervisor (native/build/contlab-supervise), which runs this cleanup when
   * the lab dies. Cleanup ends it last, unless it is the supervisor that runs the cleanup.
   */
  | ({ kind: 'supervisor' } & ProcessIdentity)
  /** A container of an OCI runtime (runc, crun, contlab-runtime) with its state root. */
  | { kind: 'container'; runtime: string; root: string; id: string }
  /** A container (and its task) in a lab containerd instance. */
  | { kind: 'containerd-container'; address: string; namespace: string; id: string }
  /** A docker container in a lab dockerd instance. */
  | { kind: 'docker-container'; host: string; id: string }
  /**
   * A daemon the lab started (containerd, dockerd). Its children outlive it (shims), so
   * cleanup also ends processes whose command line names `address` and unmounts what it
   * left under `dirs`.
   */
  | ({ kind: 'daemon'; name: string; address: string; dirs: string[] } & ProcessIdentity)
  /** A directory the lab made; removed with everything under it, after unmounting inside. */
  | { kind: 'dir'; path: string };

export type ResourceKind = Resource['kind'];

/** One line for reports: what the resource is, in the words a learner knows. */
export function describe(r: Resource): string {
  switch (r.kind) {
    case 'cgroup':
      return `cgroup ${r.mountPoint}/${r.path}`;
    case 'mount':
      return `mount ${r.target}${r.ns === undefined ? '' : ` (in the mount namespace of pid ${r.ns.pid})`}`;
    case 'netns':
      return `network namespace ${r.name}`;
    case 'veth':
      return `veth ${r.name}${r.netns ? ` (in ${r.netns})` : ''}`;
    case 'process':
      return `process ${r.pid}`;
    case 'supervisor':
      return `supervisor (pid ${r.pid})`;
    case 'container':
      return `${r.runtime} container ${r.id}`;
    case 'containerd-container':
      return `containerd container ${r.namespace}/${r.id}`;
    case 'docker-container':
      return `docker container ${r.id}`;
    case 'daemon':
      return `${r.name} daemon (pid ${r.pid})`;
    case 'dir':
      return `directory ${r.path}`;
  }
}

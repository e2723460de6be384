/**
 * The kinds of host resource the lab creates. Each is described by exactly what cleanup
 * needs to find and remove it again, even when the process that made it is long dead.
 */
import type { ProcessIdentity } from './procfs.js';
import { english, phrase, type Phrase } from '../i18n/phrase.js';

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

/** One line for reports: what the resource is, in the words a learner knows (English). */
export function describe(r: Resource): string {
  return english(described(r));
}

/** describe() as a phrase, for the screen's language. Paths, names and PIDs are values. */
export function described(r: Resource): Phrase {
  switch (r.kind) {
    case 'cgroup':
      return phrase('resource.cgroup', { path: `${r.mountPoint}/${r.path}` });
    case 'mount':
      return r.ns === undefined
        ? phrase('resource.mount', { target: r.target })
        : phrase('resource.mountIn', { target: r.target, pid: String(r.ns.pid) });
    case 'netns':
      return phrase('resource.netns', { name: r.name });
    case 'veth':
      return r.netns
        ? phrase('resource.vethIn', { name: r.name, netns: r.netns })
        : phrase('resource.veth', { name: r.name });
    case 'process':
      return phrase('resource.process', { pid: String(r.pid) });
    case 'supervisor':
      return phrase('resource.supervisor', { pid: String(r.pid) });
    case 'container':
      return phrase('resource.container', { runtime: r.runtime, id: r.id });
    case 'containerd-container':
      return phrase('resource.containerd', { id: `${r.namespace}/${r.id}` });
    case 'docker-container':
      return phrase('resource.docker', { id: r.id });
    case 'daemon':
      return phrase('resource.daemon', { name: r.name, pid: String(r.pid) });
    case 'dir':
      return phrase('resource.dir', { path: r.path });
  }
}

/** A resource that could not be removed, and why (the remover's words, in English). */
export function notRemoved(r: Resource, error: string): Phrase {
  return phrase('resource.failed', { what: described(r), error });
}

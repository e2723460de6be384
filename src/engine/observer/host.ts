/**
 * "The host" that processes are compared with: the initial namespaces, root and
 * capabilities. That is pid 1's, but a sandbox can refuse even root a look at pid 1's
 * /proc/1/ns and /proc/1/root (EACCES, as on the lab's CI machine). Kernel threads always
 * live in the initial namespaces and kthreadd (pid 2) shares its filesystem root with the
 * init process it started, so each field falls back to kthreadd's.
 */
import { NS_LINKS, type NamespaceInodes } from './ns-types.js';
import type { ProcessInfo } from './process.js';
import type { CapSetsHex } from './proc-parse.js';
import type { FileId } from './source.js';

export interface HostReference {
  namespaces: NamespaceInodes;
  root: FileId | null;
  caps: CapSetsHex | null;
}

export function hostReference(processes: Iterable<ProcessInfo>): HostReference {
  let init: ProcessInfo | undefined;
  let kthreadd: ProcessInfo | undefined;
  for (const p of processes) {
    if (p.pid === 1) init = p;
    else if (p.pid === 2 && p.ppid === 0) kthreadd = p;
  }
  const namespaces: NamespaceInodes = {};
  for (const link of NS_LINKS) {
    const inode = init?.namespaces[link] ?? kthreadd?.namespaces[link];
    if (inode !== undefined) namespaces[link] = inode;
  }
  return {
    namespaces,
    root: init?.root ?? kthreadd?.root ?? null,
    // pid 1's own capabilities (readable from its status) are the host's; kthreadd has all.
    caps: init?.caps ?? kthreadd?.caps ?? null,
  };
}

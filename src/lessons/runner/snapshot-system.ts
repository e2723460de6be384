/**
 * A LabSystem that finds the lab's processes in a process snapshot someone keeps anyway
 * (the player's observer sampler) instead of scanning all of /proc for every evaluation:
 * only the candidates are read again, fresh, so what a check sees of them is current. A
 * process the snapshot does not have yet (started since its last poll) is found at the next
 * evaluation, which its appearance in the snapshot triggers. Host-wide lookups still scan.
 */
import { readProcess, type ProcessInfo } from '../../engine/observer/index.js';
import type { LabSystem } from '../checks/system.js';

/** The processes last seen (any order; may be a little out of date). */
export type ProcessSnapshot = () => Iterable<ProcessInfo>;

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

function inScope(p: ProcessInfo, prefix: string): boolean {
  return (
    !p.kernelThread &&
    p.state !== 'Z' &&
    p.pid !== process.pid &&
    (p.cgroups ?? []).some((c) => isUnder(c.path, prefix))
  );
}

export function snapshotSystem(system: LabSystem, snapshot: ProcessSnapshot): LabSystem {
  const byPrefix = new Map<string, Promise<ProcessInfo[]>>();
  const lab = async (prefix: string): Promise<ProcessInfo[]> => {
    const candidates = [...snapshot()].filter((p) => inScope(p, prefix));
    const fresh = await Promise.all(candidates.map((p) => readProcess(p.pid)));
    // Read again: a candidate may have ended, or left the lab, since the snapshot.
    return fresh
      .filter((p): p is ProcessInfo => p !== undefined && inScope(p, prefix))
      .sort((a, b) => a.pid - b.pid);
  };
  return {
    processesIn(prefix) {
      if (prefix === undefined) return system.processesIn(prefix);
      let found = byPrefix.get(prefix);
      if (found === undefined) {
        found = lab(prefix);
        byPrefix.set(prefix, found);
      }
      return found;
    },
    hostNamespaces: () => system.hostNamespaces(),
    cgroupStats: (path) => system.cgroupStats(path),
    readFile: (path) => system.readFile(path),
    mounts: (pid) => system.mounts(pid),
    exists: (path) => system.exists(path),
    readLink: (path) => system.readLink(path),
    runShell: (script, timeoutMs) => system.runShell(script, timeoutMs),
  };
}

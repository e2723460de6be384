/**
 * Unmounting what the lab mounted in the host's mount namespace. Lazy unmounts (`-l`)
 * detach even busy mounts, and mounts below a directory go deepest first so a parent is
 * never unmounted out from under a child.
 */
import { readFileSync } from 'node:fs';
import { unescapeMountPath } from './cgroupfs.js';
import { run } from './exec.js';
import { isAlive, type ProcessIdentity } from './procfs.js';

export function hostMountPoints(pid: number | 'self' = 'self'): string[] {
  let info: string;
  try {
    info = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
  } catch {
    return [];
  }
  return info
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => unescapeMountPath(l.split(' ')[4] ?? ''));
}

export function isMounted(target: string): boolean {
  return hostMountPoints().includes(target);
}

/** Mount points at or below `dir`, deepest first (each listed once per stacked mount). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return hostMountPoints()
    .filter((m) => m === dir || m.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts target until nothing is mounted there; returns how many mounts it removed. */
export async function unmountAll(target: string): Promise<number> {
  let count = 0;
  // Mounts can be stacked on one point; each umount removes the top one.
  for (let i = 0; i < 32 && isMounted(target); i++) {
    const r = await run('umount', ['-l', target]);
    if (r.code !== 0)
      throw new Error(`umount -l ${target}: ${r.stderr.trim() || r.spawnError || 'failed'}`);
    count += 1;
  }
  return count;
}

export async function unmountUnder(dir: string): Promise<number> {
  let count = 0;
  for (const m of mountsUnder(dir)) count += await unmountAll(m);
  return count;
}

/**
 * Unmounts `target` in the mount namespace of process `ns` (nsenter), until nothing is
 * mounted there; nothing once that process is gone (its namespace may be another's now).
 */
export async function unmountIn(ns: ProcessIdentity, target: string): Promise<number> {
  let count = 0;
  for (let i = 0; i < 32 && isAlive(ns) && hostMountPoints(ns.pid).includes(target); i++) {
    const r = await run('nsenter', [`--mount=/proc/${ns.pid}/ns/mnt`, 'umount', '-l', target]);
    if (r.code !== 0)
      throw new Error(
        `umount -l ${target} in the mount namespace of pid ${ns.pid}: ${r.stderr.trim() || r.spawnError || 'failed'}`,
      );
    count += 1;
  }
  return count;
}

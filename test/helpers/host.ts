/** Host-side facts the tests assert on, read straight from the kernel. */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { unescapeMountPath } from '../../src/engine/cgroupfs.js';

export function mountedAt(target: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((l) => unescapeMountPath(l.split(' ')[4] ?? '') === target);
}

export function linkExists(name: string, netns?: string): boolean {
  const args = netns ? ['-n', netns, 'link', 'show', name] : ['link', 'show', name];
  return spawnSync('ip', args, { stdio: 'ignore' }).status === 0;
}

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

export function processExists(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

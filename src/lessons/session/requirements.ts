/** What a lesson's `requirements` ask of this host, and what is missing, with remedies. */
import { existsSync, readFileSync } from 'node:fs';
import { cgroupMode, hierarchyFor } from '../../engine/cgroupfs.js';
import { isRoot } from '../../engine/paths.js';
import type { Requirements } from '../format/model.js';
import { findLabTool } from './lab-path.js';

export function unmetRequirements(req: Requirements): string[] {
  const out: string[] = [];
  if (req.root && !isRoot()) out.push('this lesson needs root: run it with sudo');
  const mode = cgroupMode();
  const version = mode === 'v2' ? 'v2' : 'v1';
  if (mode === 'none') out.push('no cgroup filesystem is mounted under /sys/fs/cgroup');
  else if (!req.cgroup.includes(version))
    out.push(`this lesson needs cgroup ${req.cgroup.join(' or ')}, this host has cgroup ${mode}`);
  const daemonTools = req.daemons.flatMap((d) =>
    d === 'dockerd-bridge'
      ? ['containerd', 'ctr', 'dockerd', 'docker', 'iptables']
      : d === 'dockerd'
        ? ['containerd', 'ctr', 'dockerd', 'docker']
        : ['containerd', 'ctr'],
  );
  for (const tool of new Set([...req.tools, ...daemonTools])) {
    if (findLabTool(tool) === undefined) out.push(`missing tool "${tool}": run contlab doctor`);
  }
  for (const ns of req.namespaces) {
    if (!existsSync(`/proc/self/ns/${ns}`)) out.push(`this kernel has no ${ns} namespaces`);
  }
  for (const c of req.controllers) {
    if (hierarchyFor(c) === undefined)
      out.push(`cgroup controller "${c}" is not available: run contlab doctor for the remedy`);
  }
  const filesystems = readFilesystems();
  for (const fs of req.filesystems) {
    if (!filesystems.includes(fs)) out.push(`filesystem "${fs}" is not in /proc/filesystems`);
  }
  return out;
}

function readFilesystems(): string[] {
  try {
    return readFileSync('/proc/filesystems', 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop() ?? '');
  } catch {
    return [];
  }
}

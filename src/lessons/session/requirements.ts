/** What a lesson's `requirements` ask of this host, and what is missing, with remedies. */
import { existsSync, readFileSync } from 'node:fs';
import { cgroupMode, hierarchyFor } from '../../engine/cgroupfs.js';
import { isRoot } from '../../engine/paths.js';
import { english, phrase, phraseList, type Phrase } from '../../i18n/phrase.js';
import type { Requirements } from '../format/model.js';
import { findLabTool } from './lab-path.js';

/** What this host lacks, in English (reports, --json): see unmetPhrases. */
export function unmetRequirements(req: Requirements): string[] {
  return unmetPhrases(req).map(english);
}

/** What this host lacks for a lesson, each with its remedy, as phrases for the screen. */
export function unmetPhrases(req: Requirements): Phrase[] {
  const out: Phrase[] = [];
  if (req.root && !isRoot()) out.push(phrase('error.req.root'));
  const mode = cgroupMode();
  const version = mode === 'v2' ? 'v2' : 'v1';
  if (mode === 'none') out.push(phrase('error.req.noCgroupFs'));
  else if (!req.cgroup.includes(version))
    out.push(
      phrase('error.req.cgroupVersion', {
        wanted: phraseList('error.join.or', [...req.cgroup]),
        mode,
      }),
    );
  const daemonTools = req.daemons.flatMap((d) =>
    d === 'dockerd-bridge'
      ? ['containerd', 'ctr', 'dockerd', 'docker', 'iptables']
      : d === 'dockerd'
        ? ['containerd', 'ctr', 'dockerd', 'docker']
        : ['containerd', 'ctr'],
  );
  for (const tool of new Set([...req.tools, ...daemonTools])) {
    if (findLabTool(tool) === undefined) out.push(phrase('error.req.tool', { tool }));
  }
  for (const ns of req.namespaces) {
    if (!existsSync(`/proc/self/ns/${ns}`)) out.push(phrase('error.req.namespace', { ns }));
  }
  for (const c of req.controllers) {
    if (hierarchyFor(c) === undefined) out.push(phrase('error.req.controller', { controller: c }));
  }
  const filesystems = readFilesystems();
  for (const fs of req.filesystems) {
    if (!filesystems.includes(fs)) out.push(phrase('error.req.filesystem', { fs }));
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

/**
 * `contlab cleanup`: undo every lab session whose owner is gone. It replays each journal
 * newest-first, then sweeps the places only the lab uses (the `contlab` cgroup parent,
 * session directories, `contlab-*` network namespaces) for anything a learner created by
 * hand inside a dead session. Sessions whose owner is still alive are left alone.
 */
import { existsSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CGROUP_PARENT, labHierarchies } from './cgroupfs.js';
import { messageOf } from './errors.js';
import { readJournal } from './journal.js';
import { journalDir, runDir, sessionsDir } from './paths.js';
import { removeCgroupTree, removeResource } from './removers.js';
import { describe } from './resources.js';
import { removeEmptyLabParents, sessionIsLive } from './session.js';
import { run } from './exec.js';

export interface CleanupReport {
  removed: string[];
  /** Sessions left alone because their lab is still running. */
  liveSessions: string[];
  /** Journal lines that could not be read (the rest was still cleaned). */
  problems: string[];
  /** Resources that could not be removed (they stay in the journal for the next run). */
  errors: string[];
}

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export async function cleanup(): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], liveSessions: [], problems: [], errors: [] };

  for (const file of listNames(journalDir())
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const path = join(journalDir(), file);
    const sessionId = file.replace(/\.jsonl$/, '');
    let parsed;
    try {
      parsed = readJournal(path, path);
    } catch (err) {
      report.problems.push(`${path}: cannot read: ${messageOf(err)}`);
      continue;
    }
    if (sessionIsLive(sessionId)) {
      report.liveSessions.push(`${sessionId} (its lab is still running)`);
      continue;
    }
    report.problems.push(...parsed.problems);
    let failed = false;
    for (const { resource } of [...parsed.live].reverse()) {
      const outcome = await removeResource(resource);
      if (outcome.error !== undefined) {
        failed = true;
        report.errors.push(`${describe(resource)}: ${outcome.error}`);
      } else if (outcome.removed) report.removed.push(describe(resource));
    }
    if (!failed) {
      // A journal with unreadable lines is kept aside for a human, not processed again.
      if (parsed.problems.length > 0) renameSync(path, `${path}.corrupt`);
      else unlinkSync(path);
    }
  }

  await sweep(report);
  removeEmptyLabParents();
  return report;
}

/** Every live session on this host, from the session cgroups (whatever the lab home). */
function liveSessionIds(): Set<string> {
  const ids = new Set<string>();
  for (const h of labHierarchies()) {
    for (const name of listNames(join(h.mountPoint, LAB_CGROUP_PARENT)))
      if (sessionIsLive(name)) ids.add(name);
  }
  for (const name of listNames(journalDir())) {
    const id = name.replace(/\.jsonl$/, '');
    if (sessionIsLive(id)) ids.add(id);
  }
  return ids;
}

/** Removes leftovers in lab-only places that belong to no live session. */
async function sweep(report: CleanupReport): Promise<void> {
  const live = liveSessionIds();
  const noLiveSession = live.size === 0;
  for (const h of labHierarchies()) {
    const parent = join(h.mountPoint, LAB_CGROUP_PARENT);
    for (const name of listNames(parent)) {
      const dir = join(parent, name);
      if (!existsSync(join(dir, 'cgroup.procs'))) continue;
      // Session cgroups are known by name; others (a lab containerd's containers) are
      // only swept when no lab is running at all.
      const ownedByLive = name.startsWith('session-') ? live.has(name) : !noLiveSession;
      if (ownedByLive) continue;
      try {
        if (await removeCgroupTree(dir)) report.removed.push(`cgroup ${dir}`);
      } catch (err) {
        report.errors.push(`cgroup ${dir}: ${messageOf(err)}`);
      }
    }
  }
  for (const base of [sessionsDir(), runDir()]) {
    for (const name of listNames(base)) {
      if (!name.startsWith('session-') || live.has(name)) continue;
      const outcome = await removeResource({ kind: 'dir', path: join(base, name) });
      if (outcome.error !== undefined)
        report.errors.push(`directory ${join(base, name)}: ${outcome.error}`);
      else if (outcome.removed) report.removed.push(`directory ${join(base, name)}`);
    }
  }
  if (noLiveSession) {
    for (const name of listNames('/run/netns').filter((n) => n.startsWith('contlab'))) {
      const outcome = await removeResource({ kind: 'netns', name });
      if (outcome.error !== undefined)
        report.errors.push(`network namespace ${name}: ${outcome.error}`);
      else if (outcome.removed) report.removed.push(`network namespace ${name}`);
    }
    const links = await run('ip', ['-o', 'link', 'show']);
    for (const m of links.stdout.matchAll(/^\d+: (contlab[^@:\s]*)/gm)) {
      const name = m[1] as string;
      const outcome = await removeResource({ kind: 'veth', name });
      if (outcome.error !== undefined) report.errors.push(`interface ${name}: ${outcome.error}`);
      else if (outcome.removed) report.removed.push(`interface ${name}`);
    }
  }
}

/**
 * What a test asserts after the app ended: no process it started is left, and no cgroup of
 * its lab session remains under /sys/fs/cgroup/<hierarchy>/contlab/.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contlabBin } from '../../src/engine/repo.js';
import { descendants, scanProcesses } from '../../src/engine/observer/index.js';
import { processExists } from '../helpers/host.js';
import { startUi, type StartOptions, type UiRun } from './harness.js';

export { endAll } from './harness.js';

/** bin/contlab with these arguments in a pseudo-terminal (ended by `endAll` if still there). */
export function startContlab(args: string[], options: StartOptions = {}): UiRun {
  return startUi({ ...options, file: contlabBin, args });
}

export async function processesUnder(pid: number): Promise<number[]> {
  return descendants(await scanProcesses({ light: true }), pid);
}

export function liveOf(pids: number[]): number[] {
  return pids.filter((pid) => processExists(pid));
}

/** Lab cgroups of the session owned by `ownerPid`, in every hierarchy. */
export function sessionCgroups(ownerPid: number): string[] {
  const out: string[] = [];
  let hierarchies: string[] = [];
  try {
    hierarchies = readdirSync('/sys/fs/cgroup');
  } catch {
    return out;
  }
  for (const h of hierarchies) {
    const parent = join('/sys/fs/cgroup', h, 'contlab');
    try {
      for (const name of readdirSync(parent))
        if (name.startsWith(`session-${ownerPid}-`)) out.push(join(parent, name));
    } catch {
      // no lab parent in this hierarchy
    }
  }
  // A v2 host mounts the unified tree at /sys/fs/cgroup itself.
  try {
    for (const name of readdirSync('/sys/fs/cgroup/contlab'))
      if (name.startsWith(`session-${ownerPid}-`)) out.push(join('/sys/fs/cgroup/contlab', name));
  } catch {
    // not a v2 host, or no lab parent
  }
  return [...new Set(out)];
}

/** Columns [from, from + width) of every screen line (one pane of a side-by-side layout). */
export function columns(screen: string, from: number, width: number): string {
  return screen
    .split('\n')
    .map((l) =>
      Array.from(l)
        .slice(from, from + width)
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

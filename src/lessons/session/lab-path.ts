/**
 * The PATH of lesson shells: the checkout's bin/ first, so learners type `contlab-runtime`
 * (the lab's own OCI runtime) like any installed tool, then the usual PATH.
 */
import { delimiter, join } from 'node:path';
import { isExecutable, which } from '../../engine/exec.js';
import { repoRoot } from '../../engine/repo.js';

export const labBinDir = join(repoRoot, 'bin');

export function labPath(base: string = process.env.PATH ?? '/usr/bin:/bin'): string {
  return [labBinDir, ...base.split(delimiter).filter((d) => d !== '' && d !== labBinDir)].join(
    delimiter,
  );
}

/** Where a lesson shell finds `tool`: contlab's bin/, or the host's PATH. */
export function findLabTool(tool: string): string | undefined {
  const own = join(labBinDir, tool);
  return isExecutable(own) ? own : which(tool);
}

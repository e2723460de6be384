/**
 * bin/contlab runs dist/: build it before a test file uses the CLI, but only when some
 * source file is newer than the build (one tsc run per test session, not one per file).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../src/engine/repo.js';
import { buildDist } from '../../helpers/daemons.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(join(repoRoot, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    // not built yet
  }
  if (newestSource(join(repoRoot, 'src')) > built) buildDist();
}

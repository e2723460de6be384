/** Runs the real bin/contlab (built into dist/ by the set-up command) and captures the result. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function contlab(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 120_000,
): CliResult {
  const r = spawnSync(join(repoRoot, 'bin', 'contlab'), args, {
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** True when output looks like a Node stack trace ("    at fn (file:line:col)"). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text);
}

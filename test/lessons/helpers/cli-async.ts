/**
 * The real bin/contlab, run asynchronously, so a test can run many independent invocations
 * (one per broken fixture) a few at a time instead of one after another.
 */
import { expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../../src/engine/repo.js';
import { hasStackTrace, type CliResult } from '../../helpers/cli.js';

export function contlabAsync(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(join(repoRoot, 'bin', 'contlab'), args, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs every job, at most `limit` at once; results in the order of `jobs`. */
export async function inBatches<T>(jobs: (() => Promise<T>)[], limit = 4): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/**
 * Runs each bad invocation through the real CLI and expects what every bad input must give:
 * exit 1, no stack trace, and stderr matching that case's message.
 */
export async function expectCleanFailures(
  cases: [string[], RegExp][],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const runs = await inBatches(
    cases.map(
      ([args]) =>
        () =>
          contlabAsync(args, env),
    ),
  );
  cases.forEach(([args, message], i) => {
    const r = runs[i] as CliResult;
    expect({ args, code: r.code, stack: hasStackTrace(r.stderr) }).toEqual({
      args,
      code: 1,
      stack: false,
    });
    expect({ args, stderr: r.stderr }).toEqual({ args, stderr: expect.stringMatching(message) });
  });
}

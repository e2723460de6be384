/**
 * Running the host's tools (ip, umount, ctr, runc...). Every call is an argv array (no
 * shell), with a time limit, and returns its result as a value: the caller decides whether
 * a non-zero exit is an error, because for cleanup "already gone" is success.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { scaled } from './time-scale.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the command could not be started at all (ENOENT: tool missing). */
  spawnError?: string;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function run(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      {
        // Limits are for a normal machine; under emulation (see time-scale.ts) they stretch.
        timeout: scaled(opts.timeoutMs ?? 30_000),
        maxBuffer: 64 * 1024 * 1024,
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err === null) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (typeof e.code === 'string') {
          resolve({ code: 127, stdout, stderr, spawnError: `${cmd}: ${e.message}` });
          return;
        }
        const code = typeof e.code === 'number' ? e.code : e.killed ? 124 : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Where a tool is on PATH (plus the sbin directories root has), or undefined. */
export function which(tool: string): string | undefined {
  const dirs = (process.env.PATH ?? '')
    .split(delimiter)
    .concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * True when `file` exists and may be executed. Asks whether it exists first, without an
 * exception: the home screen looks up every lesson's tools in every PATH directory, and a
 * thrown ENOENT per miss cost it tens of milliseconds.
 */
export function isExecutable(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

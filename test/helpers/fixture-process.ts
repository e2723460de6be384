/**
 * A fixture script (test/fixtures/*.mjs) run as a process of its own that makes lab
 * resources, prints what it made as one JSON line and waits to be killed: the cleanup tests
 * SIGKILL it. Every one started is ended by `killFixtures` (afterAll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const started: ChildProcess[] = [];

/** Starts test/fixtures/`name` with `args`; resolves with the process and its JSON line. */
export async function startFixture<T>(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; made: T }> {
  const child = spawn(process.execPath, [join(process.cwd(), 'test/fixtures', name), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fixture ${name} exited ${code}`)));
  });
  return { child, made: JSON.parse(line) as T };
}

/** SIGKILLs a fixture (the lab "killed mid-lesson") and waits until it is gone. */
export async function sigkill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** For afterAll: every fixture still running is killed. */
export function killFixtures(): void {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
}

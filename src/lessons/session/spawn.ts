/**
 * Starting lab processes (the learner's shell, setup and cleanup scripts) so that they are
 * journaled and inside the lab's cgroup from their first instruction: a /bin/sh prelude
 * writes its PID into the cgroups, then execs the real command. Closing the lab session
 * then ends them and everything they started, even in other namespaces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { identityOf } from '../../engine/procfs.js';
import type { LessonLab } from './lesson-lab.js';

/** argv for /bin/sh that joins the lab cgroups and then runs `command args...`. */
export function labArgv(lab: LessonLab, command: string, args: readonly string[]): string[] {
  const files = lab.procsFiles.map((f) => `'${f}'`).join(' ');
  const prelude = `for f in ${files}; do echo $$ > "$f" || exit 125; done; exec "$@"`;
  return ['-c', prelude, 'contlab-lab', command, ...args];
}

/** Journals a process the lab started, so cleanup can end it if the lab is killed. */
export async function recordProcess(lab: LessonLab, pid: number | undefined): Promise<void> {
  const id = pid === undefined ? undefined : identityOf(pid);
  if (id !== undefined) await lab.session.track({ kind: 'process', ...id }, () => undefined);
}

export interface ScriptResult {
  code: number;
  output: string;
  timedOut: boolean;
}

/** Runs a setup/cleanup script with bash -e in the lab, with a time limit. */
export async function runLabScript(
  lab: LessonLab,
  script: string,
  timeoutMs: number,
): Promise<ScriptResult> {
  const child = spawn('/bin/sh', labArgv(lab, 'bash', ['-e', '-c', script]), {
    env: lab.env,
    cwd: lab.session.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await recordProcess(lab, child.pid);
  return collect(child, timeoutMs);
}

function collect(child: ChildProcess, timeoutMs: number): Promise<ScriptResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    // 'exit', not 'close': a script may leave a background process holding its stdout.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output, timedOut });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, output: err.message, timedOut });
    });
  });
}

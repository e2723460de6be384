/**
 * A running lesson lab describes itself in `lab.json` in its session directory, so commands
 * run from another terminal (`contlab verify LESSON`, `contlab reset LESSON STEP`) can check
 * and reset the learner's lab: which lesson it runs, its environment and its cgroup.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionsDir } from '../../engine/paths.js';
import { sessionIsLive } from '../../engine/session.js';
import type { CheckContext } from '../checks/context.js';
import { observerSystem } from '../checks/system.js';
import { labPath } from './lab-path.js';

export const LAB_INFO_FILE = 'lab.json';

export interface LabInfo {
  lesson: string | undefined;
  file: string | undefined;
  /** The LAB_* variables (and daemon addresses) of the lab's shells. */
  env: Record<string, string>;
  procsFiles: string[];
}

export interface LiveLab {
  sessionId: string;
  info: LabInfo;
  /** The environment and check context of the lab, for checks run from this process. */
  env: NodeJS.ProcessEnv;
  context: CheckContext;
}

/** The labs whose owner process still runs (optionally only those of one lesson). */
export function liveLabs(lessonId?: string): LiveLab[] {
  const dir = sessionsDir();
  if (!existsSync(dir)) return [];
  const out: LiveLab[] = [];
  for (const id of readdirSync(dir)) {
    const file = join(dir, id, LAB_INFO_FILE);
    if (!sessionIsLive(id) || !existsSync(file)) continue;
    let info: LabInfo;
    try {
      info = JSON.parse(readFileSync(file, 'utf8')) as LabInfo;
    } catch {
      continue; // being written this instant, or not a lesson lab
    }
    if (lessonId !== undefined && info.lesson !== lessonId) continue;
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: labPath(), ...info.env };
    const base = `/${info.env.LAB_CGROUP ?? ''}`;
    out.push({
      sessionId: id,
      info,
      env,
      context: {
        system: () => observerSystem(env),
        cgroupBase: base,
        labScope: base,
        baseline: new Map(),
        env,
      },
    });
  }
  return out;
}

/**
 * Runs a step's setup or cleanup script in another process's running lab: inside that
 * lab's cgroup (so closing the lab ends whatever it starts) and with its environment.
 */
export function runInLiveLab(
  lab: LiveLab,
  script: string,
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  const files = lab.info.procsFiles.map((f) => `'${f}'`).join(' ');
  const prelude = `for f in ${files}; do echo $$ > "$f" || exit 125; done; exec "$@"`;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', prelude, 'contlab-lab', 'bash', '-e', '-c', script], {
      env: lab.env,
      cwd: lab.info.env.LAB_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: 127, output: err.message });
    });
  });
}

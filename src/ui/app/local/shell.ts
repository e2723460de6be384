/**
 * A shell in a pseudo-terminal on this machine (node-pty), as a LabShell. Killing it ends
 * the whole process tree it started (see kill-tree.ts), not only the shell.
 */
import { existsSync } from 'node:fs';
import * as pty from 'node-pty';
import { which } from '../../../engine/exec.js';
import { labBashArgs } from '../../terminal/lab-shell.js';
import type { LabShell } from '../lab-connection.js';
import { killTree } from './kill-tree.js';

export interface LocalShellOptions {
  file: string;
  args: readonly string[];
  cwd: string;
  /** The shell's environment; TERM is set here, COLUMNS and LINES are left to the pty. */
  env: NodeJS.ProcessEnv;
  cols: number;
  rows: number;
}

export function spawnLocalShell(options: LocalShellOptions): LabShell {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  env.TERM = 'xterm-256color';
  delete env.COLUMNS;
  delete env.LINES;
  const proc = pty.spawn(options.file, [...options.args], {
    name: 'xterm-256color',
    cols: options.cols,
    rows: options.rows,
    cwd: options.cwd,
    env,
  });
  let exited = false;
  proc.onExit(() => {
    exited = true;
  });
  return {
    pid: proc.pid,
    onData: (listener) => {
      const d = proc.onData(listener);
      return () => d.dispose();
    },
    onExit: (listener) => {
      const d = proc.onExit(({ exitCode, signal }) =>
        listener({ exitCode, signal: signal === 0 ? undefined : signal }),
      );
      return () => d.dispose();
    },
    write: (data) => {
      if (!exited) proc.write(data);
    },
    resize: (cols, rows) => {
      try {
        if (!exited) proc.resize(cols, rows);
      } catch {
        // the shell ended between the check and the resize: the next one starts at this size
      }
    },
    kill: () => killTree(proc.pid),
  };
}

/** bash with the lab prompt, or sh where there is no bash. */
export function defaultShell(): { file: string; args: string[] } {
  const bash = which('bash');
  if (bash !== undefined) return { file: bash, args: labBashArgs() };
  return { file: existsSync('/bin/sh') ? '/bin/sh' : 'sh', args: [] };
}

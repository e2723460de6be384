/**
 * The job a VM runs, written as the shell file both guest stages source: where stage 2 is,
 * the command (as `set --` arguments), its directory, environment and terminal size.
 */
import { STAGE2 } from './initramfs.js';

export interface VmJob {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Run on the virtio console as a terminal (interactive) instead of plain pipes. */
  tty: boolean;
  rows: number;
  cols: number;
  /** /lib/modules/<release> of the guest kernel, a path on the shared host root. */
  modulesDir: string;
  /** The VM has a scratch disk (/dev/vda) for I/O limits. */
  disk: boolean;
}

/** Single-quotes `s` for sh: the one quoting that needs no other escapes. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function jobScript(job: VmJob): string {
  const lines = [
    `STAGE2=${shQuote(STAGE2)}`,
    `JOB_CWD=${shQuote(job.cwd)}`,
    `JOB_TTY=${job.tty ? 1 : 0}`,
    `JOB_ROWS=${Math.max(1, Math.floor(job.rows))}`,
    `JOB_COLS=${Math.max(1, Math.floor(job.cols))}`,
    `JOB_MODULES=${shQuote(job.modulesDir)}`,
    `JOB_DISK=${job.disk ? 1 : ''}`,
  ];
  for (const [name, value] of Object.entries(job.env))
    if (ENV_NAME.test(name)) lines.push(`export ${name}=${shQuote(value)}`);
  lines.push(`set -- ${job.argv.map(shQuote).join(' ')}`);
  return `${lines.join('\n')}\n`;
}

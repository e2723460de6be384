/** The full-screen commands need a terminal on both ends; say so plainly when there is none. */
import { LabError } from '../../engine/errors.js';

export function requireTerminal(command: string): void {
  if (process.stdin.isTTY && process.stdout.isTTY) return;
  throw new LabError(`contlab ${command} needs an interactive terminal`, {
    remedy: 'run it in a terminal (over SSH use ssh -t), not through a pipe',
  });
}

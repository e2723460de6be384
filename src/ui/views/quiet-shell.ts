/**
 * What the shell pane says while a new shell has printed nothing at all. A learner's start-up
 * files can take long: `pyenv rehash` from ~/.bashrc waits 60 s for a lock some killed shell
 * left behind, and an empty pane with no prompt looks like a lab that hangs. The pane says
 * how long it has waited, what is running now, and how to stop it.
 */
import { t } from '../../i18n/messages.js';
import type { ProcessLine } from '../state/live-view.js';
import { QUIET_SHELL_MS } from '../terminal/embedded-terminal.js';
import { seg, type Line } from '../text/styled.js';
import { wrap } from '../text/wrap.js';

/**
 * How many processes below the shell "running now" names: the last ones of its tree, which
 * for a start-up file that waits is the chain down to what it waits on.
 */
const SHOWN_COMMANDS = 3;

/**
 * The notice for a shell quiet for `quietMs` (nothing when it has printed, or is quiet for
 * less than QUIET_SHELL_MS). `tree` is the shell's process tree, the shell first.
 */
export function quietShellLines(
  quietMs: number | undefined,
  tree: readonly ProcessLine[],
  width: number,
): Line[] {
  if (quietMs === undefined || quietMs < QUIET_SHELL_MS) return [];
  const seconds = Math.floor(quietMs / 1000);
  const lines: Line[] = [
    ...wrap([seg(t('shell.quiet', { s: seconds }), { color: 'warn' })], width),
  ];
  const running = tree
    .slice(1)
    .slice(-SHOWN_COMMANDS)
    .map((l) => l.command);
  if (running.length > 0)
    lines.push(
      ...wrap([seg(t('shell.quietRunning', { command: running.join(' → ') }))], width, {
        rest: [seg('  ')],
      }),
    );
  lines.push(...wrap([seg(t('shell.quietHint'), { color: 'muted' })], width));
  return lines;
}

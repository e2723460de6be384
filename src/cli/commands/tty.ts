/** The full-screen commands need a terminal on both ends; say so plainly when there is none. */
import { t } from '../../i18n/messages.js';
import { LabError } from '../../engine/errors.js';

export function requireTerminal(command: string): void {
  if (process.stdin.isTTY && process.stdout.isTTY) return;
  throw new LabError(t('cli.needsTerminal', { command }), {
    remedy: t('cli.needsTerminalRemedy'),
  });
}

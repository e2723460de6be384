/** Ctrl-C quits only when pressed twice within a second: one stray Ctrl-C never ends a lesson. */

export const CTRL_C_WINDOW_MS = 1000;

export interface QuitGuard {
  /** Time of the last Ctrl-C that did not quit, or undefined. */
  armedAt: number | undefined;
}

export function pressCtrlC(guard: QuitGuard, now: number): { quit: boolean; guard: QuitGuard } {
  if (guard.armedAt !== undefined && now - guard.armedAt <= CTRL_C_WINDOW_MS) {
    return { quit: true, guard: { armedAt: undefined } };
  }
  return { quit: false, guard: { armedAt: now } };
}

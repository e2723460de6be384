/**
 * The learner's terminal while the app runs: the alternate screen, a hidden cursor, raw
 * mode. `restore()` undoes all of it, may run any number of times, and never throws (it
 * also runs from the process's exit handler, after a SIGHUP took the terminal away).
 */
import {
  CLEAR_SCREEN,
  ENTER_ALT_SCREEN,
  HIDE_CURSOR,
  LEAVE_ALT_SCREEN,
  RESET_ATTRIBUTES,
  SHOW_CURSOR,
} from '../terminal/escapes.js';

export class TerminalState {
  private active = false;

  constructor(
    private readonly stdin: NodeJS.ReadStream,
    private readonly stdout: NodeJS.WriteStream,
  ) {}

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.write(ENTER_ALT_SCREEN + HIDE_CURSOR + CLEAR_SCREEN);
  }

  /** Clears the alternate screen (after a resize, before the next frame). */
  clear(): void {
    if (this.active) this.write(CLEAR_SCREEN);
  }

  restore(): void {
    if (!this.active) return;
    this.active = false;
    try {
      if (this.stdin.isTTY) this.stdin.setRawMode(false);
    } catch {
      // stdin already closed
    }
    this.write(RESET_ATTRIBUTES + SHOW_CURSOR + LEAVE_ALT_SCREEN + SHOW_CURSOR);
  }

  private write(text: string): void {
    try {
      this.stdout.write(text);
    } catch {
      // the terminal is gone (SIGHUP): nothing left to restore on it
    }
  }
}

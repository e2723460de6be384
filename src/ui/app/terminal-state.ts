/**
 * The learner's terminal while the app runs: the alternate screen, a hidden cursor, raw
 * mode. `restore()` undoes all of it, may run any number of times, and never throws (it
 * also runs from the process's exit handler, after a SIGHUP took the terminal away).
 */
import {
  BEGIN_SYNC,
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
    // Raw before the first frame shows, not when Ink's input hook starts a moment after it:
    // a Ctrl-D typed at a prompt already on screen would otherwise be the line discipline's
    // end-of-file (read and dropped), and a Ctrl-C its SIGINT to this process.
    try {
      if (this.stdin.isTTY) this.stdin.setRawMode(true);
    } catch {
      // stdin closed: there are no keys to read anyway
    }
    this.write(ENTER_ALT_SCREEN + HIDE_CURSOR + CLEAR_SCREEN);
  }

  /**
   * Clears the alternate screen for the next frame, in a synchronized update that the
   * frame's own end closes: the terminal never shows the blank screen in between.
   */
  clear(): void {
    if (this.active) this.write((this.stdout.isTTY ? BEGIN_SYNC : '') + CLEAR_SCREEN);
  }

  /** Opens the synchronized update clear() would (for what is written before the clear). */
  beginSync(): void {
    if (this.active && this.stdout.isTTY) this.write(BEGIN_SYNC);
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

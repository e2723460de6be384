/**
 * "The learner may have just changed something from the shell": a command line was sent
 * (Enter, Ctrl-C, Ctrl-D), and again whenever the shell writes in the seconds after (the
 * command's output, the next prompt when it is done). Plain typing and an idle shell say
 * nothing. The observer looks again, and the checkpoint is evaluated again, on these.
 */

/** After Enter (or Ctrl-C, Ctrl-D), how long shell output still counts as the command's. */
const COMMAND_OUTPUT_MS = 10_000;
/** Keys that end or run a command line: Enter, Ctrl-C, Ctrl-D. */
const COMMAND_KEYS = ['\r', '\n', '\x03', '\x04'];

export class ShellActivity {
  private readonly listeners = new Set<() => void>();
  private commandAt = 0;

  /** Bytes typed into the shell. */
  typed(data: string): void {
    if (!COMMAND_KEYS.some((k) => data.includes(k))) return;
    this.commandAt = Date.now();
    this.signal();
  }

  /** The shell wrote something. */
  output(): void {
    if (this.commandAt !== 0 && Date.now() - this.commandAt < COMMAND_OUTPUT_MS) this.signal();
  }

  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private signal(): void {
    for (const l of [...this.listeners]) l();
  }
}

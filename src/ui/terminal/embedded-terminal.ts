/**
 * The learner's shell as the pane draws it: a headless xterm emulates the terminal, the
 * shell's output is parsed into its screen, and the pane draws that screen. The xterm's own
 * replies (cursor position reports, device attributes: what vim and top ask for) go back to
 * the shell. When the shell ends (Ctrl-D, `exit`) a new one starts in its place: the pane
 * always has a shell until the app disposes of it. Where the shell runs is the LabShell's
 * business (a local pty, or a lab in a VM).
 */
import xterm from '@xterm/headless';
import type { Terminal as XTerm } from '@xterm/headless';
import { t } from '../../i18n/messages.js';
import type { LabShell } from '../app/lab-connection.js';
import { typeInto, type TypingHandle, type TypingOptions } from './typing.js';

/** Starts a shell `cols` x `rows` cells large. */
export type OpenShell = (cols: number, rows: number) => LabShell;

export interface EmbeddedTerminalOptions {
  openShell: OpenShell;
  cols: number;
  rows: number;
  scrollback?: number;
}

const RESTART_WINDOW_MS = 2000;
const MAX_QUICK_RESTARTS = 3;
/** A shell quiet for this long is not just starting: the pane says why there is no prompt. */
export const QUIET_SHELL_MS = 3000;
/** From then on the pane is redrawn this often (it says for how long). */
const QUIET_TICK_MS = 1000;

export class EmbeddedTerminal {
  readonly term: XTerm;
  private shell: LabShell | undefined;
  private readonly openShell: OpenShell;
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private disposed = false;
  private cursorHidden = false;
  private quickExits = 0;
  private startedAt = 0;
  /** Whether the shell running now has printed anything yet. */
  private heard = false;
  private quietTicks: NodeJS.Timeout | undefined;
  private typing: TypingHandle | undefined;

  constructor(options: EmbeddedTerminalOptions) {
    this.openShell = options.openShell;
    this.term = new xterm.Terminal({
      cols: Math.max(2, options.cols),
      rows: Math.max(1, options.rows),
      scrollback: options.scrollback ?? 1000,
      allowProposedApi: true,
    });
    // DECTCEM (show/hide cursor) is not among xterm's public modes: follow it here.
    this.term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) => {
      if (params.includes(25)) this.cursorHidden = false;
      return false;
    });
    this.term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => {
      if (params.includes(25)) this.cursorHidden = true;
      return false;
    });
    this.term.onData((data) => this.shell?.write(data));
    this.term.onWriteParsed(() => this.changed());
    this.spawn();
  }

  /** The PID of the shell running now. */
  get pid(): number | undefined {
    return this.shell?.pid;
  }

  get applicationCursor(): boolean {
    return this.term.modes.applicationCursorKeysMode;
  }

  get showCursor(): boolean {
    return !this.cursorHidden;
  }

  /** For React's useSyncExternalStore: subscribe to screen changes. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /**
   * Settles once the shell has drawn something (its prompt), or after `timeoutMs`: the
   * player's first frame then shows the prompt at once instead of being drawn twice.
   */
  firstOutput(timeoutMs: number): Promise<void> {
    if (this.heard) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const off = this.subscribe(() => {
        if (this.heard) done();
      });
      function done(): void {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /**
   * Milliseconds since the shell running now started, while it has printed nothing at all
   * (no prompt yet: its start-up files are still running); undefined once it has.
   */
  quietFor(now = Date.now()): number | undefined {
    return this.heard || this.shell === undefined ? undefined : now - this.startedAt;
  }

  /** For useSyncExternalStore: a number that changes whenever the screen does. */
  getVersion = (): number => this.version;

  /** Sends bytes to the shell as if typed. */
  write(data: string): void {
    this.shell?.write(data);
  }

  /**
   * Runs `text` in the shell: typed at once, line by line, then Enter. Not pasted in paste
   * brackets: the command before may have started a program (another shell) that is not
   * reading yet, and would take the brackets for text.
   */
  run(text: string): void {
    this.write(`${text.replace(/\r?\n/g, '\r')}\r`);
  }

  /** Types `text` into the shell at a readable pace (presenter mode); returns the handle. */
  typeText(text: string, options?: TypingOptions): TypingHandle {
    this.typing?.cancel();
    const handle = typeInto((chunk) => this.write(chunk), text, options);
    this.typing = handle;
    void handle.done.then(() => {
      if (this.typing === handle) this.typing = undefined;
      this.changed();
    });
    return handle;
  }

  /** Finishes the text being typed now, at once. */
  skipTyping(): void {
    this.typing?.skip();
  }

  get isTyping(): boolean {
    return this.typing !== undefined;
  }

  /**
   * Gives the screen (and the shell's pty) a new size. Listeners are not told: the pane
   * resizes while it draws, and draws the resized screen.
   */
  resize(cols: number, rows: number): void {
    const c = Math.max(2, Math.floor(cols));
    const r = Math.max(1, Math.floor(rows));
    if (c === this.term.cols && r === this.term.rows) return;
    this.term.resize(c, r);
    this.shell?.resize(c, r);
  }

  /** Ends the shell and everything it started; no new shell starts after this. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stopQuietTicks();
    this.typing?.cancel();
    await this.shell?.kill();
    this.term.dispose();
    this.listeners.clear();
  }

  private changed(): void {
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }

  private spawn(): void {
    this.startedAt = Date.now();
    this.heard = false;
    const shell = this.openShell(this.term.cols, this.term.rows);
    this.shell = shell;
    this.startQuietTicks();
    shell.onData((data) => {
      if (this.shell === shell && !this.heard) {
        this.heard = true;
        this.stopQuietTicks();
      }
      if (!this.disposed) this.term.write(data);
    });
    shell.onExit(({ exitCode, signal }) => {
      if (this.shell === shell) {
        this.shell = undefined;
        this.stopQuietTicks();
      }
      if (this.disposed) return;
      this.restartAfterExit(exitCode, signal);
    });
  }

  /** Redraws once a second while the shell is quiet: the pane counts the seconds. */
  private startQuietTicks(): void {
    this.stopQuietTicks();
    this.quietTicks = setInterval(() => {
      if ((this.quietFor() ?? 0) >= QUIET_SHELL_MS) this.changed();
    }, QUIET_TICK_MS);
    this.quietTicks.unref();
  }

  private stopQuietTicks(): void {
    if (this.quietTicks !== undefined) clearInterval(this.quietTicks);
    this.quietTicks = undefined;
  }

  private restartAfterExit(exitCode: number, signal: number | undefined): void {
    const quick = Date.now() - this.startedAt < RESTART_WINDOW_MS;
    this.quickExits = quick ? this.quickExits + 1 : 0;
    const how = signal ? t('shell.signal', { n: signal }) : t('shell.code', { n: exitCode });
    if (this.quickExits >= MAX_QUICK_RESTARTS) {
      this.term.write(`\r\n\x1b[1m[${t('shell.keepsEnding', { how })}]\x1b[0m\r\n`);
      return;
    }
    this.term.write(`\r\n\x1b[1m[${t('shell.ended', { how })}]\x1b[0m\r\n`);
    this.spawn();
  }
}

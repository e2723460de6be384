/**
 * A real shell in a pseudo-terminal, emulated by a headless xterm: node-pty runs the shell,
 * its output is parsed into the xterm screen, and the pane draws that screen. The xterm's
 * own replies (cursor position reports, device attributes: what vim and top ask for) go
 * back to the shell. When the shell ends (Ctrl-D, `exit`) a new one starts in its place:
 * the pane always has a shell until the app disposes of it.
 */
import { existsSync } from 'node:fs';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';
import type { Terminal as XTerm } from '@xterm/headless';
import { which } from '../../engine/exec.js';
import { killTree } from './kill-tree.js';
import { labBashArgs } from './lab-shell.js';
import { typeInto, type TypingHandle, type TypingOptions } from './typing.js';

export interface ShellCommand {
  file: string;
  args: string[];
}

export interface EmbeddedTerminalOptions {
  cwd: string;
  /** The shell's environment (the lesson's lab session environment). TERM is set here. */
  env: NodeJS.ProcessEnv;
  cols: number;
  rows: number;
  /** The shell to run; default bash, or sh when there is no bash. */
  shell?: ShellCommand;
  /** Called with each new shell's PID (the lab session records it for cleanup). */
  onSpawn?: (pid: number) => void;
  scrollback?: number;
}

const RESTART_WINDOW_MS = 2000;
/** After Enter (or Ctrl-C, Ctrl-D), how long shell output still counts as the command's. */
const COMMAND_OUTPUT_MS = 10_000;
/** Keys that end or run a command line: Enter, Ctrl-C, Ctrl-D. */
const COMMAND_KEYS = ['\r', '\n', '\x03', '\x04'];
const MAX_QUICK_RESTARTS = 3;

export function defaultShell(): ShellCommand {
  const bash = which('bash');
  if (bash !== undefined) return { file: bash, args: labBashArgs() };
  return { file: existsSync('/bin/sh') ? '/bin/sh' : 'sh', args: [] };
}

export class EmbeddedTerminal {
  readonly term: XTerm;
  private proc: pty.IPty | undefined;
  private readonly options: EmbeddedTerminalOptions;
  private readonly shell: ShellCommand;
  private readonly listeners = new Set<() => void>();
  private readonly commandListeners = new Set<() => void>();
  private commandAt = 0;
  private version = 0;
  private disposed = false;
  private cursorHidden = false;
  private quickExits = 0;
  private startedAt = 0;
  private typing: TypingHandle | undefined;

  constructor(options: EmbeddedTerminalOptions) {
    this.options = options;
    this.shell = options.shell ?? defaultShell();
    this.term = new xterm.Terminal({
      cols: options.cols,
      rows: options.rows,
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
    this.term.onData((data) => this.proc?.write(data));
    this.term.onWriteParsed(() => {
      this.changed();
      if (this.commandAt !== 0 && Date.now() - this.commandAt < COMMAND_OUTPUT_MS)
        this.commandActivity();
    });
    this.spawn();
  }

  /** The PID of the shell running now. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
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

  /** For useSyncExternalStore: a number that changes whenever the screen does. */
  getVersion = (): number => this.version;

  /** Sends bytes to the shell as if typed. */
  write(data: string): void {
    this.proc?.write(data);
    if (COMMAND_KEYS.some((k) => data.includes(k))) {
      this.commandAt = Date.now();
      this.commandActivity();
    }
  }

  /**
   * Calls `listener` when the learner may have just changed something from the shell: a
   * command line was sent (Enter, Ctrl-C, Ctrl-D), and again whenever the shell writes in
   * the seconds after (the command's output, the next prompt when it is done). Plain typing
   * and an idle shell call nothing. Returns the unsubscribe.
   */
  onCommand(listener: () => void): () => void {
    this.commandListeners.add(listener);
    return () => {
      this.commandListeners.delete(listener);
    };
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

  resize(cols: number, rows: number): void {
    const c = Math.max(2, Math.floor(cols));
    const r = Math.max(1, Math.floor(rows));
    if (c === this.term.cols && r === this.term.rows) return;
    this.term.resize(c, r);
    try {
      this.proc?.resize(c, r);
    } catch {
      // the shell ended between the check and the resize: the next one starts at this size
    }
    this.changed();
  }

  /** Ends the shell and everything it started; no new shell starts after this. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.typing?.cancel();
    const pid = this.proc?.pid;
    if (pid !== undefined) await killTree(pid);
    this.term.dispose();
    this.listeners.clear();
    this.commandListeners.clear();
  }

  private commandActivity(): void {
    for (const listener of [...this.commandListeners]) listener();
  }

  private changed(): void {
    this.version++;
    for (const listener of [...this.listeners]) listener();
  }

  private spawn(): void {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.options.env)) if (v !== undefined) env[k] = v;
    env.TERM = 'xterm-256color';
    delete env.COLUMNS;
    delete env.LINES;
    this.startedAt = Date.now();
    const proc = pty.spawn(this.shell.file, this.shell.args, {
      name: 'xterm-256color',
      cols: this.term.cols,
      rows: this.term.rows,
      cwd: this.options.cwd,
      env,
    });
    this.proc = proc;
    this.options.onSpawn?.(proc.pid);
    proc.onData((data) => {
      if (!this.disposed) this.term.write(data);
    });
    proc.onExit(({ exitCode, signal }) => {
      if (this.proc === proc) this.proc = undefined;
      if (this.disposed) return;
      this.restartAfterExit(exitCode, signal);
    });
  }

  private restartAfterExit(exitCode: number, signal: number | undefined): void {
    const quick = Date.now() - this.startedAt < RESTART_WINDOW_MS;
    this.quickExits = quick ? this.quickExits + 1 : 0;
    const how = signal ? `signal ${signal}` : `code ${exitCode}`;
    if (this.quickExits >= MAX_QUICK_RESTARTS) {
      this.term.write(`\r\n\x1b[1m[the shell keeps ending (${how}): not restarting it]\x1b[0m\r\n`);
      return;
    }
    this.term.write(`\r\n\x1b[1m[the shell ended (${how}): a new one starts]\x1b[0m\r\n`);
    this.spawn();
  }
}

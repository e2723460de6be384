/**
 * A real interactive bash in a pseudo-terminal, inside the lab session, that demo mode and
 * `verify --auto` type into line by line. A line is finished when the terminal's foreground
 * process is a shell again, asleep waiting for input, and the output has gone quiet; this
 * works for nested shells too (`unshare --fork bash`, `chroot $LAB_ROOTFS sh`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as pty from 'node-pty';
import { listPids } from '../../engine/procfs.js';
import { scaled } from '../../engine/time-scale.js';
import { labArgv, recordProcess } from '../session/spawn.js';
import type { LessonLab } from '../session/lesson-lab.js';

const SHELLS = new Set(['bash', 'sh', 'ash', 'dash', 'zsh', 'busybox']);
/**
 * Programs that relay this terminal to a terminal of their own (`runc run` of a config with
 * `"terminal": true`): the learner types into the shell behind the relay.
 */
const RELAYS = new Set(['runc']);
/** How long output must pause before a line counts as finished when no prompt showed. */
const QUIET_MS = 150;
/**
 * The same after a fresh prompt: the shell has said it is done, the pause only lets the
 * last bytes arrive. Not stretched by the time scale: on a slow VM this wait is per line.
 */
const PROMPTED_QUIET_MS = 60;
const POLL_MS = 40;
/** A background job's processes must stay unchanged this long to count as started. */
const BACKGROUND_QUIET_MS = 200;
const BACKGROUND_MAX_MS = 3_000;
/** How long a typed line may go without a prompt after it before idle detection decides. */
const PROMPT_WAIT_MS = 5_000;
/** How long a typed line may go unread before idle detection starts anyway. */
const ECHO_WAIT_MS = 3_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class LabShell {
  private transcript = '';
  /** Characters received since the transcript began (it is trimmed, this is not). */
  private received = 0;
  private lastOutput = Date.now();
  private exited = false;

  private constructor(private readonly term: pty.IPty) {
    term.onData((d) => {
      this.transcript += d;
      this.received += d.length;
      if (this.transcript.length > 200_000) this.transcript = this.transcript.slice(-100_000);
      this.lastOutput = Date.now();
    });
    term.onExit(() => (this.exited = true));
  }

  static async start(lab: LessonLab): Promise<LabShell> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(lab.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, { PS1: 'contlab$ ', TERM: 'xterm-256color', HISTFILE: '/dev/null' });
    const term = pty.spawn('/bin/sh', labArgv(lab, 'bash', ['--norc', '--noprofile', '-i']), {
      name: 'xterm-256color',
      cols: 120,
      rows: 40,
      cwd: lab.session.dir,
      env,
    });
    await recordProcess(lab, term.pid);
    const shell = new LabShell(term);
    const prompted = await shell.waitPrompt('', 0, scaled(10_000));
    await shell.waitIdle(scaled(10_000), prompted ? PROMPTED_QUIET_MS : scaled(QUIET_MS));
    return shell;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /**
   * Types one line and waits until the shell is back at a prompt (false on time-out). The
   * line must first be read: until its echo comes back the shell may still look idle at
   * the old prompt (on a slow machine it has not even woken up yet).
   */
  async type(line: string, timeoutMs: number): Promise<boolean> {
    if (this.exited) return false;
    const from = this.received;
    this.term.write(`${line}\r`);
    await this.waitEcho(line, from, Math.min(timeoutMs, scaled(ECHO_WAIT_MS)));
    const prompted = await this.waitPrompt(line, from, Math.min(timeoutMs, scaled(PROMPT_WAIT_MS)));
    if (!prompted) await sleep(QUIET_MS);
    if (!(await this.waitIdle(timeoutMs, prompted ? PROMPTED_QUIET_MS : scaled(QUIET_MS))))
      return false;
    if (/[^&]&\s*$/.test(line)) await this.waitBackgroundSettled(scaled(BACKGROUND_MAX_MS));
    return true;
  }

  /**
   * After `cmd &` the prompt is back at once, but the job may still be forking and exec'ing
   * its way to the process the next line looks for (`bash -c ... unshare ... exec sleep`).
   * Waits until the shell's descendants (their PIDs and names) stop changing for a moment.
   */
  private async waitBackgroundSettled(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    let last = descendants(this.term.pid);
    let stableSince = Date.now();
    while (Date.now() < deadline && !this.exited) {
      await sleep(POLL_MS * 2);
      const now = descendants(this.term.pid);
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      } else if (Date.now() - stableSince >= scaled(BACKGROUND_QUIET_MS)) return;
    }
  }

  /** Waits until the end of `line` shows in the output received after `from`. */
  private async waitEcho(line: string, from: number, timeoutMs: number): Promise<void> {
    const tail = squash(line).slice(-24);
    if (tail === '') return;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.exited) {
      const fresh = this.received - from;
      const since = fresh === 0 ? '' : this.transcript.slice(-fresh);
      if (squash(since).includes(tail)) return;
      await sleep(POLL_MS);
    }
  }

  /**
   * Waits until the output since `from` ends in something like a prompt (`$ `, `# `, `> `)
   * that is not the typed line's own echo. A nested shell (`unshare --mount bash`) looks
   * idle while it is still starting up; its first prompt says it reads input now. Commands
   * that never print a prompt just cost this wait once.
   */
  private async waitPrompt(line: string, from: number, timeoutMs: number): Promise<boolean> {
    const typed = squash(line).slice(-24);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.exited) {
      const fresh = this.received - from;
      const last =
        plain(fresh === 0 ? '' : this.transcript.slice(-fresh))
          .split('\n')
          .pop() ?? '';
      if (/[#$>%] ?$/.test(last) && (typed === '' || !squash(last).endsWith(typed))) return true;
      await sleep(POLL_MS);
    }
    return false;
  }

  /**
   * Waits until the terminal's foreground process is a shell reading input, twice in a row,
   * with no output for `quietMs`.
   */
  async waitIdle(timeoutMs: number, quietMs = scaled(QUIET_MS)): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let idleTicks = 0;
    while (Date.now() < deadline && !this.exited) {
      const quiet = Date.now() - this.lastOutput >= quietMs;
      idleTicks = quiet && this.atPrompt() ? idleTicks + 1 : 0;
      if (idleTicks >= 2) return true;
      await sleep(POLL_MS);
    }
    return false;
  }

  /** The last lines of output, without terminal escapes, for failure reports. */
  tail(lines = 15): string {
    return (
      this.transcript
        // eslint-disable-next-line no-control-regex
        .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r/g, '')
        .split('\n')
        .slice(-lines)
        .join('\n')
    );
  }

  close(): void {
    if (!this.exited) this.term.kill('SIGKILL');
  }

  /** The foreground process group of the terminal is a shell that sleeps reading input. */
  private atPrompt(): boolean {
    const shell = statOf(this.term.pid);
    if (shell === undefined) return false;
    const fg = statOf(shell.tpgid);
    if (fg === undefined) return false;
    if (RELAYS.has(fg.comm)) return relayedShellWaits(shell.tpgid);
    return SHELLS.has(fg.comm) && fg.state === 'S';
  }
}

/** The processes below `root` as one comparable string of `pid:name` (ps -e in short). */
function descendants(root: number): string {
  const children = new Map<number, { pid: number; comm: string }[]>();
  for (const pid of listPids()) {
    const st = statOf(pid);
    if (st === undefined) continue;
    const list = children.get(st.ppid) ?? [];
    list.push({ pid, comm: st.comm });
    children.set(st.ppid, list);
  }
  const out: string[] = [];
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) {
      out.push(`${c.pid}:${c.comm}`);
      walk(c.pid);
    }
  };
  walk(root);
  return out.join(' ');
}

/** Terminal output as plain text: no escapes, no carriage returns. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]|\r/g, '');
}

/** Text without terminal escapes and whitespace: a line as typed vs as echoed and wrapped. */
function squash(text: string): string {
  return plain(text).replace(/\s/g, '');
}

/**
 * Behind a relay: one of its children has a terminal of its own, and the foreground of that
 * terminal is a shell asleep (a container's `sh` waiting at its prompt). A relay running a
 * program without a terminal has no such child, so it counts as busy until it exits.
 */
function relayedShellWaits(relay: number): boolean {
  for (const child of childrenOf(relay)) {
    const c = statOf(child);
    if (c === undefined || c.ttyNr === 0 || c.tpgid <= 0) continue;
    const fg = statOf(c.tpgid);
    if (fg !== undefined && SHELLS.has(fg.comm) && fg.state === 'S') return true;
  }
  return false;
}

/** Children of every thread (a Go program like runc forks from any of them). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter((s) => s.trim() !== '')
        .map(Number),
    );
  } catch {
    return [];
  }
}

function statOf(
  pid: number,
): { comm: string; state: string; ppid: number; ttyNr: number; tpgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const rest = stat.slice(close + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, close),
      state: rest[0] ?? '?',
      ppid: Number(rest[1]),
      // field 7 (tty_nr) is rest[4], field 8 (tpgid) is rest[5]: rest[0] is field 3
      ttyNr: Number(rest[4]),
      tpgid: Number(rest[5]),
    };
  } catch {
    return undefined;
  }
}

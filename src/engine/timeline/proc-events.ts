/**
 * The kernel's process events for the lab, from native/build/contlab-procwatch (the proc
 * connector; see native/src/procwatch.h for its lines). Each fork, exec and exit of the
 * lab's processes arrives as it happens, with what /proc said the instant after: a command
 * that ends in a millisecond is seen all the same, where a poll would see nothing.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { TypedEmitter } from '../observer/emitter.js';
import type { CapSetsHex } from '../observer/proc-parse.js';
import { NS_LINKS, type NamespaceInodes } from '../observer/ns-types.js';
import { repoRoot } from '../repo.js';

export const procwatchBin = join(repoRoot, 'native', 'build', 'contlab-procwatch');

export type ProcEvent =
  | { kind: 'fork'; at: number; parent: number; pid: number; ns: NamespaceInodes }
  | {
      kind: 'exec';
      at: number;
      pid: number;
      /** False when the process had ended before /proc could be read. */
      read: boolean;
      ppid: number;
      start: number;
      ns: NamespaceInodes;
      caps: CapSetsHex | null;
      nspid: number[];
      cgroup: string;
      comm: string;
      args: string[];
    }
  /** `status` as wait(2) encodes it: exit code << 8, or the signal. */
  | { kind: 'exit'; at: number; pid: number; status: number }
  | { kind: 'uid' | 'gid'; at: number; pid: number; real: number; effective: number }
  | { kind: 'comm'; at: number; pid: number; comm: string };

export interface ProcWatchEvents {
  event: ProcEvent;
  /** The kernel dropped events (a burst overflowed the socket's buffer). */
  lost: undefined;
  error: string;
}

/** Decodes a percent-encoded field ("-" is empty). */
export function decodeField(field: string): string {
  if (field === '-') return '';
  if (!field.includes('%')) return field;
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const hex = field[i] === '%' ? field.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(field.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes).toString('utf8');
}

function namespacesOf(field: string | undefined): NamespaceInodes {
  const out: NamespaceInodes = {};
  const inodes = (field ?? '').split(',').map(Number);
  NS_LINKS.forEach((name, i) => {
    const inode = inodes[i];
    if (inode !== undefined && Number.isFinite(inode) && inode > 0) out[name] = inode;
  });
  return out;
}

function capsOf(field: string | undefined): CapSetsHex | null {
  const [inheritable, permitted, effective, bounding, ambient] = (field ?? '').split(',');
  if (!inheritable || !permitted || !effective || !bounding || !ambient) return null;
  return { inheritable, permitted, effective, bounding, ambient };
}

/**
 * One line of the helper. `toMs` turns its CLOCK_MONOTONIC nanoseconds into ms since the
 * epoch. Undefined for a line that is not an event (or not understood).
 */
export function parseProcLine(line: string, toMs: (ns: bigint) => number): ProcEvent | undefined {
  const f = line.split(' ');
  const [kind, t, pidText] = f;
  if (t === undefined || pidText === undefined || !/^\d+$/.test(t)) return undefined;
  const at = toMs(BigInt(t));
  const pid = Number(pidText);
  switch (kind) {
    case 'fork':
      return { kind, at, parent: pid, pid: Number(f[3]), ns: namespacesOf(f[4]) };
    case 'exec': {
      const ppid = Number(f[3]);
      const read = ppid > 0;
      return {
        kind,
        at,
        pid,
        read,
        ppid,
        start: Number(f[4]),
        ns: namespacesOf(f[5]),
        caps: capsOf(f[6]),
        nspid: (f[7] ?? '-') === '-' ? [pid] : (f[7] ?? '').split(',').map(Number),
        cgroup: decodeField(f[9] ?? '-'),
        comm: decodeField(f[10] ?? '-'),
        args: f.slice(11).map(decodeField),
      };
    }
    case 'exit':
      return { kind, at, pid, status: Number(f[3]) };
    case 'uid':
    case 'gid':
      return { kind, at, pid, real: Number(f[3]), effective: Number(f[4]) };
    case 'comm':
      return { kind, at, pid, comm: decodeField(f[3] ?? '-') };
    default:
      return undefined;
  }
}

/** `exit 0`, `exit 3`, `killed by SIGKILL` from a wait(2) status. */
/** How a process ended, from its wait status: an exit code, or a signal (and a core). */
export type ExitOf = { code: number } | { signal: string; core: boolean };

export function exitOf(status: number): ExitOf {
  const signal = status & 0x7f;
  if (signal === 0) return { code: (status >> 8) & 0xff };
  const names: Record<number, string> = {
    1: 'SIGHUP',
    2: 'SIGINT',
    3: 'SIGQUIT',
    6: 'SIGABRT',
    9: 'SIGKILL',
    11: 'SIGSEGV',
    13: 'SIGPIPE',
    15: 'SIGTERM',
  };
  return { signal: names[signal] ?? `signal ${signal}`, core: (status & 0x80) !== 0 };
}

/** exitOf in words, as the timeline's files and --json keep it. */
export function describeExit(status: number): string {
  const end = exitOf(status);
  if ('code' in end) return `exit ${end.code}`;
  return `killed by ${end.signal}${end.core ? ' (core dumped)' : ''}`;
}

export interface ProcWatchOptions {
  /** Text of the lab's cgroup path: processes that exec inside it are reported too. */
  cgroup?: string;
  bin?: string;
  /**
   * Journals the helper the moment it is spawned (before it listens), so cleanup ends it
   * even if the lab dies before it is ready (it also dies with the lab: PR_SET_PDEATHSIG).
   */
  record?: (pid: number) => Promise<void>;
}

/**
 * The running helper. `start()` resolves once it listens (false, with an `error`, when it
 * cannot: not root, no proc connector, not built); it ends with this process.
 */
export class ProcWatch extends TypedEmitter<ProcWatchEvents> {
  private child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  private buffer = '';
  private clock: { realMs: number; monoNs: bigint } | undefined;
  private readonly syncs = new Map<number, () => void>();
  private nextSync = 1;
  private ready: ((ok: boolean) => void) | undefined;

  constructor(private readonly options: ProcWatchOptions = {}) {
    super();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<boolean> {
    const bin = this.options.bin ?? procwatchBin;
    if (!existsSync(bin)) {
      this.emit('error', `${bin} is not built (make -C native)`);
      return Promise.resolve(false);
    }
    const args = this.options.cgroup === undefined ? [] : ['--cgroup', this.options.cgroup];
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    child.stdin.on('error', () => undefined);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    const recorded =
      child.pid === undefined || this.options.record === undefined
        ? Promise.resolve()
        : this.options.record(child.pid).catch((err: unknown) => {
            this.emit(
              'error',
              `could not journal contlab-procwatch: ${err instanceof Error ? err.message : String(err)}`,
            );
            this.stop();
          });
    const ready = new Promise<boolean>((resolve) => {
      this.ready = resolve;
      child.on('error', (err) => {
        this.emit('error', `${bin}: ${err.message}`);
        this.finish(false);
      });
      child.on('exit', () => {
        this.finish(false);
        for (const done of this.syncs.values()) done();
        this.syncs.clear();
        this.child = undefined;
      });
    });
    return Promise.all([ready, recorded]).then(([ok]) => ok && this.child !== undefined);
  }

  /** Reports `pid` and, from now on, the processes it starts. */
  watch(pid: number): void {
    this.send(`watch ${pid}`);
  }

  unwatch(pid: number): void {
    this.send(`unwatch ${pid}`);
  }

  /** Resolves once every event that happened before the call has been emitted. */
  sync(): Promise<void> {
    if (this.child === undefined) return Promise.resolve();
    const n = this.nextSync++;
    return new Promise((resolve) => {
      this.syncs.set(n, resolve);
      this.send(`sync ${n}`);
    });
  }

  stop(): void {
    this.child?.stdin.end();
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  private send(line: string): void {
    if (this.child !== undefined && !this.child.stdin.destroyed)
      this.child.stdin.write(`${line}\n`);
  }

  private finish(ok: boolean): void {
    const ready = this.ready;
    this.ready = undefined;
    ready?.(ok);
  }

  private toMs = (ns: bigint): number => {
    const c = this.clock;
    if (c === undefined) return Date.now();
    return c.realMs + Number(ns - c.monoNs) / 1e6;
  };

  private receive(chunk: string): void {
    this.buffer += chunk;
    let nl;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line.startsWith('clock ')) {
      const [, real, mono] = line.split(' ');
      if (real !== undefined && mono !== undefined)
        this.clock = { realMs: Number(BigInt(real) / 1000n) / 1000, monoNs: BigInt(mono) };
    } else if (line === 'ready') this.finish(true);
    else if (line === 'lost') this.emit('lost', undefined);
    else if (line.startsWith('sync ')) {
      const n = Number(line.slice(5));
      this.syncs.get(n)?.();
      this.syncs.delete(n);
    } else if (line.startsWith('error ')) this.emit('error', line.slice(6));
    else {
      const event = parseProcLine(line, this.toMs);
      if (event !== undefined) this.emit('event', event);
    }
  }
}

/**
 * The cleanup journal: an append-only JSON-lines file per lab session. A resource is
 * written (and fsync'ed) *before* it is created, so if the lab is killed at any moment,
 * `contlab cleanup` still knows about everything that may exist. When the lab removes a
 * resource itself it appends a `released` line, so cleanup does not try again.
 *
 * Line format:
 *   {"op":"session","owner":{"pid":1,"start":2},"created":"<ISO>"}      (first line)
 *   {"op":"create","seq":3,"resource":{...}}
 *   {"op":"released","seq":3}
 *   {"op":"mark","seq":4,"label":"step unshare-pid"}   (a lesson step began: undo goes back
 *                                                        to it; cleanup has nothing to do)
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { ProcessIdentity } from './procfs.js';
import type { Resource } from './resources.js';

export type JournalLine =
  | { op: 'session'; owner: ProcessIdentity; created: string }
  | { op: 'create'; seq: number; resource: Resource }
  | { op: 'released'; seq: number }
  | { op: 'mark'; seq: number; label: string };

export interface ParsedJournal {
  owner: ProcessIdentity | undefined;
  /** Resources created and not released, in creation order. */
  live: { seq: number; resource: Resource }[];
  /** Lines that could not be understood: reported, skipped, never fatal. */
  problems: string[];
}

export class Journal {
  private readonly fd: number;
  private seq = 0;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Creates a new journal file owned by `owner`. Fails if the file already exists. */
  static create(path: string, owner: ProcessIdentity): Journal {
    const fd = openSync(path, 'wx', 0o600);
    const j = new Journal(path, fd);
    j.append({ op: 'session', owner, created: new Date().toISOString() });
    return j;
  }

  /** Records a resource that is about to be created and returns its sequence number. */
  record(resource: Resource): number {
    return this.recordAll([resource])[0] as number;
  }

  /**
   * Records resources about to be created, in one write and one fsync (a cgroup in each of
   * ten v1 hierarchies is ten lines, not ten trips to the disk); their sequence numbers.
   */
  recordAll(resources: readonly Resource[]): number[] {
    const lines = resources.map((resource): JournalLine & { seq: number } => {
      this.seq += 1;
      return { op: 'create', seq: this.seq, resource };
    });
    this.appendAll(lines);
    return lines.map((l) => l.seq);
  }

  /**
   * Marks a point in the session (a lesson step began) and returns its sequence number:
   * the resources recorded after it are the ones made since.
   */
  mark(label: string): number {
    this.seq += 1;
    this.append({ op: 'mark', seq: this.seq, label });
    return this.seq;
  }

  /** Marks a resource as removed by its owner. */
  release(seq: number): void {
    this.releaseAll([seq]);
  }

  /** Marks resources as removed by their owner, in one write. */
  releaseAll(seqs: readonly number[]): void {
    this.appendAll(seqs.map((seq): JournalLine => ({ op: 'released', seq })));
  }

  close(): void {
    closeSync(this.fd);
  }

  private append(line: JournalLine): void {
    this.appendAll([line]);
  }

  private appendAll(lines: readonly JournalLine[]): void {
    if (lines.length === 0) return;
    // One write of whole lines keeps them whole (a reader skips a torn last line); fsync
    // makes them survive a crash of the machine.
    writeSync(this.fd, lines.map((line) => JSON.stringify(line) + '\n').join(''));
    fsyncSync(this.fd);
  }
}

const RESOURCE_KINDS = new Set([
  'cgroup',
  'mount',
  'netns',
  'veth',
  'process',
  'supervisor',
  'container',
  'containerd-container',
  'docker-container',
  'daemon',
  'dir',
]);

function isResource(v: unknown): v is Resource {
  return (
    typeof v === 'object' &&
    v !== null &&
    RESOURCE_KINDS.has(String((v as { kind?: unknown }).kind))
  );
}

function isIdentity(v: unknown): v is ProcessIdentity {
  const o = v as { pid?: unknown; start?: unknown } | null;
  return (
    typeof o === 'object' && o !== null && Number.isInteger(o.pid) && Number.isInteger(o.start)
  );
}

/** Reads a journal, keeping every line it understands; bad lines become `problems`. */
export function parseJournal(text: string, name: string): ParsedJournal {
  const created = new Map<number, Resource>();
  let owner: ProcessIdentity | undefined;
  const problems: string[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${name}:${i + 1}`;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      problems.push(`${where}: not a valid journal line (skipped): ${raw.slice(0, 60)}`);
      return;
    }
    const l = line as { op?: unknown; seq?: unknown; resource?: unknown; owner?: unknown };
    if (l.op === 'session' && isIdentity(l.owner)) owner = l.owner;
    else if (l.op === 'create' && Number.isInteger(l.seq) && isResource(l.resource))
      created.set(l.seq as number, l.resource);
    else if (l.op === 'released' && Number.isInteger(l.seq)) created.delete(l.seq as number);
    else if (l.op === 'mark' && Number.isInteger(l.seq)) return;
    else problems.push(`${where}: unknown journal entry (skipped): ${raw.slice(0, 60)}`);
  });
  const live = [...created.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([seq, resource]) => ({ seq, resource }));
  return { owner, live, problems };
}

export function readJournal(path: string, name: string): ParsedJournal {
  return parseJournal(readFileSync(path, 'utf8'), name);
}

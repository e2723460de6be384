/**
 * A LabConnection across a byte stream (the VM's virtio port): newline-delimited JSON, one
 * message a line. The host asks (`call`, shell input, resizes); the lab side answers
 * (`reply`) and tells what happens on its own (lesson events, shell output, snapshots, the
 * learner's progress). Both ends are contlab, but the lab side is another machine: every
 * line is checked for its shape before it is used, and a line that is not is dropped.
 */
import type { Duplex } from 'node:stream';
import type { TimelineEntry } from '../../../engine/timeline/types.js';
import type { Lesson } from '../../lessons/lessons-api.js';
import type { LabSnapshot, LessonEvents } from '../lab-connection.js';

export type CallName =
  | 'resume'
  | 'enter'
  | 'check'
  | 'hint'
  | 'solution'
  | 'answerQuiz'
  | 'marks'
  | 'readMounts'
  | 'undo'
  | 'close';

export type HostMessage =
  /** The first message: which lesson, and the learner's progress so far (the file's text). */
  | { t: 'open'; file: string; progress: string | undefined }
  | { t: 'call'; id: number; name: CallName; args: unknown[] }
  | { t: 'shell'; sid: number; cols: number; rows: number }
  | { t: 'in'; sid: number; data: string }
  | { t: 'resize'; sid: number; cols: number; rows: number }
  | { t: 'kill'; sid: number }
  | { t: 'interval'; ms: number | null };

export type LabMessage =
  /** The lab side is up and waits for `open`. */
  | { t: 'ready' }
  /** The lab is open: the lesson as the lab parsed it (for its own cgroup version). */
  | { t: 'opened'; lesson: Lesson }
  | { t: 'failed'; message: string; remedy: string | undefined }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; message: string; remedy: string | undefined }
  | { t: 'event'; name: keyof LessonEvents; payload: unknown }
  | { t: 'snapshot'; snapshot: LabSnapshot }
  /** A new timeline entry (a command's, or an undo's). */
  | { t: 'timeline'; entry: TimelineEntry }
  | { t: 'pid'; sid: number; pid: number | undefined }
  | { t: 'out'; sid: number; data: string }
  | { t: 'exit'; sid: number; exitCode: number; signal: number | undefined }
  | { t: 'killed'; sid: number }
  /** The learner's progress file changed on the lab side: its new text. */
  | { t: 'progress'; text: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one line into a message whose `t` is one of `kinds`, or undefined. */
export function parseLine<M extends { t: string }>(
  line: string,
  kinds: ReadonlySet<string>,
): M | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value.t !== 'string' || !kinds.has(value.t)) return undefined;
  return value as M;
}

export const HOST_KINDS: ReadonlySet<string> = new Set([
  'open',
  'call',
  'shell',
  'in',
  'resize',
  'kill',
  'interval',
]);
export const LAB_KINDS: ReadonlySet<string> = new Set([
  'ready',
  'opened',
  'failed',
  'reply',
  'event',
  'snapshot',
  'timeline',
  'pid',
  'out',
  'exit',
  'killed',
  'progress',
]);

/** Sends messages as lines; calls `onMessage` for each well-formed line received. */
export function lineChannel<In extends { t: string }, Out>(
  stream: Duplex,
  kinds: ReadonlySet<string>,
  onMessage: (message: In) => void,
): { send(message: Out): void; onClose(listener: () => void): void } {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const message = parseLine<In>(line, kinds);
      if (message !== undefined) onMessage(message);
    }
  });
  stream.on('error', () => undefined);
  return {
    send: (message) => {
      if (!stream.destroyed) stream.write(`${JSON.stringify(message)}\n`);
    },
    onClose: (listener) => {
      stream.once('close', listener);
      stream.once('end', listener);
    },
  };
}

/**
 * The host side of a remote LabConnection: what the player drives when the lab runs
 * elsewhere (in the VM, see serve.ts for the other end). Calls become messages and their
 * replies, the lab's events and snapshots come back as they happen, shells are ptys over
 * there whose bytes travel both ways, and the learner's progress is saved here, on the
 * host, whenever the lab side says it changed.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { LabError } from '../../../engine/errors.js';
import { TypedEmitter } from '../../../engine/observer/index.js';
import type { MountEntry } from '../../../engine/observer/index.js';
import type { TimelineEntry } from '../../../engine/timeline/types.js';
import { writeFileAtomic } from '../../../lessons/progress/atomic-file.js';
import type { CodeBlock, Hint, Lesson, QuizOutcome } from '../../lessons/lessons-api.js';
import type {
  EnteredStep,
  LabConnection,
  LabShell,
  LabSnapshot,
  LessonControl,
  LessonEvents,
  StepMark,
} from '../lab-connection.js';
import type { CheckpointResult } from '../../lessons/lessons-api.js';
import {
  LAB_KINDS,
  lineChannel,
  type CallName,
  type HostMessage,
  type LabMessage,
} from './wire.js';

export interface RemoteOptions {
  /** The lesson file (the lab side sees the same path: the VM shares this root). */
  file: string;
  /** The learner's progress file on this machine. */
  progressFile: string;
  /** How long opening the lab may take. */
  openTimeoutMs: number;
  /** Where the timeline's entries are kept on this machine too (for `contlab timeline`). */
  timelineFile?: string;
}

type ShellState = {
  pid: number | undefined;
  data: Set<(d: string) => void>;
  exit: Set<(e: { exitCode: number; signal: number | undefined }) => void>;
  killed: (() => void) | undefined;
  ended: boolean;
};

/** Opens the lab on the other end of `stream` and gives it to the player as a LabConnection. */
export function remoteLab(stream: Duplex, options: RemoteOptions): Promise<LabConnection> {
  return new Promise((resolveOpen, rejectOpen) => {
    const events = new TypedEmitter<LessonEvents>();
    const snapshots = new Set<(s: LabSnapshot) => void>();
    const timeline: TimelineEntry[] = [];
    const timelineListeners = new Set<(e: TimelineEntry) => void>();
    const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
    const shells = new Map<number, ShellState>();
    let latest: LabSnapshot | undefined;
    let nextId = 1;
    let nextShell = 1;
    let opened = false;
    let gone = false;

    const timer = setTimeout(
      () =>
        fail(
          new LabError(`the lab in the VM did not open within ${options.openTimeoutMs / 1000} s`),
        ),
      options.openTimeoutMs,
    );
    const fail = (err: Error): void => {
      clearTimeout(timer);
      if (!opened) rejectOpen(err);
    };

    const saveProgress = (text: string): void => {
      try {
        mkdirSync(dirname(options.progressFile), { recursive: true });
        writeFileAtomic(options.progressFile, text, { backup: true });
      } catch (err) {
        events.emit('notice', `could not save your progress: ${(err as Error).message}`);
      }
    };

    const onMessage = (m: LabMessage): void => {
      switch (m.t) {
        case 'ready': {
          const progress = existsSync(options.progressFile)
            ? readFileSync(options.progressFile, 'utf8')
            : undefined;
          channel.send({ t: 'open', file: options.file, progress });
          return;
        }
        case 'opened':
          clearTimeout(timer);
          opened = true;
          resolveOpen(connection(m.lesson));
          return;
        case 'failed':
          fail(new LabError(m.message, m.remedy === undefined ? {} : { remedy: m.remedy }));
          return;
        case 'reply': {
          const p = pending.get(m.id);
          pending.delete(m.id);
          if (m.ok) p?.resolve(m.value);
          else
            p?.reject(new LabError(m.message, m.remedy === undefined ? {} : { remedy: m.remedy }));
          return;
        }
        case 'event':
          events.emit(m.name, m.payload as never);
          return;
        case 'snapshot':
          latest = m.snapshot;
          for (const l of snapshots) l(m.snapshot);
          return;
        case 'progress':
          saveProgress(m.text);
          return;
        case 'timeline':
          timeline.push(m.entry);
          if (options.timelineFile !== undefined) {
            try {
              appendFileSync(options.timelineFile, `${JSON.stringify(m.entry)}\n`);
            } catch {
              // the panel still has it: only `contlab timeline` on this machine misses it
            }
          }
          for (const l of [...timelineListeners]) l(m.entry);
          return;
        case 'pid': {
          const s = shells.get(m.sid);
          if (s !== undefined) s.pid = m.pid;
          return;
        }
        case 'out':
          for (const l of shells.get(m.sid)?.data ?? []) l(m.data);
          return;
        case 'exit': {
          const s = shells.get(m.sid);
          if (s === undefined) return;
          s.ended = true;
          for (const l of s.exit) l({ exitCode: m.exitCode, signal: m.signal });
          s.killed?.();
          return;
        }
        case 'killed':
          shells.get(m.sid)?.killed?.();
          return;
      }
    };

    const channel = lineChannel<LabMessage, HostMessage>(stream, LAB_KINDS, onMessage);
    channel.onClose(() => {
      if (gone) return;
      gone = true;
      fail(new LabError('the VM went away before the lab opened'));
      for (const p of pending.values()) p.reject(new LabError('the VM went away'));
      pending.clear();
      for (const s of shells.values()) {
        if (s.ended) continue;
        s.ended = true;
        for (const l of s.exit) l({ exitCode: 1, signal: undefined });
        s.killed?.();
      }
      if (opened) events.emit('notice', 'the VM of this lab has stopped');
    });

    const call = <T>(name: CallName, ...args: unknown[]): Promise<T> => {
      if (gone) return Promise.reject(new LabError('the VM of this lab has stopped'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: (v) => resolve(v as T), reject });
        channel.send({ t: 'call', id, name, args });
      });
    };

    const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

    const run: LessonControl = {
      on: (event, listener) => events.on(event, listener),
      resume: () => call<EnteredStep>('resume'),
      enter: (n) => call<EnteredStep>('enter', n),
      check: async () => orUndefined(await call<CheckpointResult | null>('check')),
      hint: async () => orUndefined(await call<Hint | null>('hint')),
      solution: () => call<CodeBlock[]>('solution'),
      answerQuiz: (quiz, choice) => call<QuizOutcome>('answerQuiz', quiz, choice),
      marks: () => call<StepMark[]>('marks'),
    };

    const openShell = (cols: number, rows: number): LabShell => {
      const sid = nextShell++;
      const state: ShellState = {
        pid: undefined,
        data: new Set(),
        exit: new Set(),
        killed: undefined,
        ended: false,
      };
      shells.set(sid, state);
      channel.send({ t: 'shell', sid, cols, rows });
      return {
        get pid() {
          return state.pid;
        },
        onData: (l) => {
          state.data.add(l);
          return () => state.data.delete(l);
        },
        onExit: (l) => {
          state.exit.add(l);
          return () => state.exit.delete(l);
        },
        write: (data) => channel.send({ t: 'in', sid, data }),
        resize: (c, r) => channel.send({ t: 'resize', sid, cols: c, rows: r }),
        kill: () =>
          state.ended || gone
            ? Promise.resolve()
            : new Promise<void>((resolve) => {
                state.killed = resolve;
                channel.send({ t: 'kill', sid });
              }),
      };
    };

    let closing: Promise<void> | undefined;
    const connection = (lesson: Lesson): LabConnection => ({
      lesson,
      run,
      openShell,
      observer: {
        latest: () => latest,
        onSnapshot: (l) => {
          snapshots.add(l);
          return () => snapshots.delete(l);
        },
        setMaxInterval: (ms) => channel.send({ t: 'interval', ms: ms ?? null }),
        readMounts: async (pid) =>
          orUndefined(await call<MountEntry[] | null>('readMounts', pid).catch(() => null)),
      },
      timeline: {
        entries: () => [...timeline],
        onEntry: (l) => {
          timelineListeners.add(l);
          return () => timelineListeners.delete(l);
        },
        // The entry comes back as the reply, and as a timeline message like any other.
        undo: () => call<TimelineEntry>('undo'),
      },
      close: () =>
        (closing ??= call<null>('close').then(
          () => undefined,
          () => undefined,
        )),
    });
  });
}

/**
 * The lab side of a remote LabConnection (inside the VM): opens the lesson's lab on this
 * machine (openLocalLab) and serves it over a stream to the host's TUI (client.ts). It also
 * keeps the learner's progress in step: the host's progress comes with `open`, and every
 * change the lesson run makes to it here goes back as text for the host to save.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { LabError, messageOf } from '../../../engine/errors.js';
import { writeFileAtomic } from '../../../lessons/progress/atomic-file.js';
import type { Lesson } from '../../lessons/lessons-api.js';
import type { LabConnection, LabShell, LessonEvents } from '../lab-connection.js';
import { HOST_KINDS, lineChannel, type HostMessage, type LabMessage } from './wire.js';

export interface ServeOptions {
  /** Parses the lesson file as this machine's lab would play it. */
  loadLesson(file: string): Promise<Lesson>;
  openLab(lesson: Lesson): Promise<LabConnection>;
  /** The progress file the lab's lesson run reads and writes here. */
  progressFile: string;
}

/** Serves one lab until the host closes it (or goes away); then the lab is removed. */
export function serveLab(stream: Duplex, options: ServeOptions): Promise<void> {
  return new Promise((resolve) => {
    let lab: LabConnection | undefined;
    let opening = false;
    let closing: Promise<void> | undefined;
    let lastProgress: string | undefined;
    const shells = new Map<number, LabShell>();

    const finish = (): Promise<void> =>
      (closing ??= (async () => {
        try {
          await lab?.close();
        } finally {
          resolve();
        }
      })());

    const channel = lineChannel<HostMessage, LabMessage>(stream, HOST_KINDS, (m) => {
      void handle(m);
    });
    channel.onClose(() => void finish());

    /** Sends the progress file when the lesson run changed it. */
    const syncProgress = (): void => {
      let text: string | undefined;
      try {
        text = readFileSync(options.progressFile, 'utf8');
      } catch {
        return;
      }
      if (text === lastProgress) return;
      lastProgress = text;
      channel.send({ t: 'progress', text });
    };

    const open = async (file: string, progress: string | undefined): Promise<void> => {
      if (opening) return;
      opening = true;
      try {
        if (progress !== undefined) {
          mkdirSync(dirname(options.progressFile), { recursive: true });
          writeFileAtomic(options.progressFile, progress, { backup: false });
          lastProgress = progress;
        }
        const lesson = await options.loadLesson(file);
        lab = await options.openLab(lesson);
        for (const name of ['result', 'pass', 'notice'] as const)
          lab.run.on(name, (payload: LessonEvents[typeof name]) => {
            channel.send({ t: 'event', name, payload });
            syncProgress();
          });
        lab.observer.onSnapshot((snapshot) => channel.send({ t: 'snapshot', snapshot }));
        lab.timeline.onEntry((entry) => channel.send({ t: 'timeline', entry }));
        channel.send({ t: 'opened', lesson });
      } catch (err) {
        channel.send({
          t: 'failed',
          message: messageOf(err),
          remedy: err instanceof LabError ? err.remedy : undefined,
        });
        void finish();
      }
    };

    const call = async (name: string, args: unknown[]): Promise<unknown> => {
      if (lab === undefined) throw new LabError('the lab is not open yet');
      const n = (i: number): number => Number(args[i]);
      switch (name) {
        case 'resume':
          return lab.run.resume();
        case 'enter':
          return lab.run.enter(n(0));
        case 'check':
          return (await lab.run.check()) ?? null;
        case 'hint':
          return (await lab.run.hint()) ?? null;
        case 'solution':
          return lab.run.solution();
        case 'answerQuiz':
          return lab.run.answerQuiz(n(0), n(1));
        case 'marks':
          return lab.run.marks();
        case 'undo':
          return lab.timeline.undo();
        case 'readMounts':
          return (await lab.observer.readMounts(args[0] === 'self' ? 'self' : n(0))) ?? null;
        case 'close':
          await finish();
          return null;
        default:
          throw new LabError(`unknown call ${name}`);
      }
    };

    const handle = async (m: HostMessage): Promise<void> => {
      switch (m.t) {
        case 'open':
          return open(m.file, m.progress);
        case 'call':
          try {
            const value = await call(m.name, Array.isArray(m.args) ? m.args : []);
            channel.send({ t: 'reply', id: m.id, ok: true, value });
          } catch (err) {
            const remedy = err instanceof LabError ? err.remedy : undefined;
            channel.send({ t: 'reply', id: m.id, ok: false, message: messageOf(err), remedy });
          }
          syncProgress();
          return;
        case 'shell': {
          if (lab === undefined) return;
          const shell = lab.openShell(m.cols, m.rows);
          shells.set(m.sid, shell);
          channel.send({ t: 'pid', sid: m.sid, pid: shell.pid });
          shell.onData((data) => channel.send({ t: 'out', sid: m.sid, data }));
          shell.onExit(({ exitCode, signal }) => {
            shells.delete(m.sid);
            channel.send({ t: 'exit', sid: m.sid, exitCode, signal });
          });
          return;
        }
        case 'in':
          shells.get(m.sid)?.write(String(m.data));
          return;
        case 'resize':
          shells.get(m.sid)?.resize(Number(m.cols), Number(m.rows));
          return;
        case 'kill':
          await shells.get(m.sid)?.kill();
          channel.send({ t: 'killed', sid: m.sid });
          return;
        case 'interval':
          lab?.observer.setMaxInterval(m.ms === null ? undefined : Number(m.ms));
          return;
      }
    };

    channel.send({ t: 'ready' });
  });
}

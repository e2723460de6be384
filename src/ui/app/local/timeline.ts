/**
 * The timeline of a lab on this machine: the kernel's process events (contlab-procwatch),
 * the cgroup watch and the lab shell's prompt marks feed the recorder (src/engine/timeline),
 * which appends each command's entry to the session's timeline.jsonl. Undo goes through
 * the lesson run (it knows the step and its mark).
 */
import { TypedEmitter } from '../../../engine/observer/index.js';
import {
  MarkerFilter,
  ProcWatch,
  TimelineRecorder,
  timelineFile,
  type TimelineEntry,
} from '../../../engine/timeline/index.js';
import type { LessonRun } from '../../lessons/lessons-api.js';
import type { LabShell, LabTimeline } from '../lab-connection.js';
import { t } from '../../../i18n/messages.js';

export interface LocalTimelineOptions {
  run: LessonRun;
  /** Namespace inodes the observer saw last: a namespace not among them is a new one. */
  knownNamespaces: () => Iterable<number>;
  /** Something the learner should read (the timeline runs without process events...). */
  notice: (message: string) => void;
}

export class LocalTimeline implements LabTimeline {
  private readonly events = new TypedEmitter<{ entry: TimelineEntry }>();
  private constructor(
    private readonly run: LessonRun,
    private readonly recorder: TimelineRecorder,
    private readonly procWatch: ProcWatch,
  ) {
    recorder.on('entry', (e) => this.events.emit('entry', e));
  }

  static async open(options: LocalTimelineOptions): Promise<LocalTimeline> {
    const { run } = options;
    const scope = run.scope;
    const procWatch = new ProcWatch({
      cgroup: scope.cgroupPath,
      record: (pid) => run.recordProcess(pid),
    });
    procWatch.on('error', (message) => options.notice(t('timeline.problem', { message })));
    if (!(await procWatch.start())) options.notice(t('timeline.noProcEvents'));
    const recorder = new TimelineRecorder({
      scope,
      file: timelineFile(run.lab.session.dir),
      procWatch,
      knownNamespaces: options.knownNamespaces,
      step: () => (run.step === undefined ? null : { number: run.step.number, id: run.step.id }),
    });
    recorder.on('problem', options.notice);
    // Not awaited: the first look at the lab (~20-30 ms of /proc and /sys) overlaps the
    // shell's start and the first frame. The shell's first prompt looks again anyway, and
    // the recorder queues every entry after this look.
    void recorder.start();
    // What a step's setup did is not the next command's doing.
    run.on('step', () => void recorder.rebase());
    return new LocalTimeline(run, recorder, procWatch);
  }

  entries(): TimelineEntry[] {
    return this.recorder.entries();
  }

  onEntry(listener: (entry: TimelineEntry) => void): () => void {
    return this.events.on('entry', listener);
  }

  async undo(): Promise<TimelineEntry> {
    // The entries of the commands that already ended say what the lab made since the mark.
    await this.recorder.idle();
    const since = this.run.markedAt ?? 0;
    const startedAt = Date.now();
    const result = await this.run.undo(this.recorder.entries().filter((e) => e.endedAt >= since));
    await this.recorder.rebase();
    return this.recorder.add({
      kind: 'undo',
      command: 'undo',
      typed: false,
      exitStatus: null,
      startedAt,
      endedAt: Date.now(),
      step: { number: result.step.number, id: result.step.id },
      items: [],
      undone: result.undone,
      errors: result.errors,
      said: result.said,
    });
  }

  /**
   * The shell as the player sees it: its output without the timeline's marks (which go to
   * the recorder), and what is typed into it noted (a shell that marks nothing).
   */
  follow(shell: LabShell): LabShell {
    const filter = new MarkerFilter();
    const listeners = new Set<(data: string) => void>();
    if (shell.pid !== undefined) this.recorder.shellStarted(shell.pid);
    shell.onData((data) => {
      const { text, markers } = filter.push(data);
      if (markers.length > 0) this.recorder.markers(markers);
      this.recorder.output();
      if (text !== '') for (const l of [...listeners]) l(text);
    });
    return {
      get pid() {
        return shell.pid;
      },
      onData: (listener) => {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
      onExit: (listener) => shell.onExit(listener),
      write: (data) => {
        shell.write(data);
        this.recorder.typed(data);
      },
      resize: (cols, rows) => shell.resize(cols, rows),
      kill: () => shell.kill(),
    };
  }

  close(): void {
    this.recorder.stop();
    this.procWatch.stop();
  }
}

/**
 * The seam between the player and the lab it plays: everything the lesson player and the
 * presenter need of a lesson's lab, and nothing of where that lab runs. The local lab
 * (local-lab.ts, the default) runs it in this process on this machine; a remote one (a lab
 * in a VM, `contlab --vm`) runs the lesson run, the shell's pty and the observer on the
 * other side and keeps only the TUI here. Whatever implements it:
 *
 * - everything that crosses it is plain data (JSON-safe: lessons, steps, results, process
 *   snapshots) or a callback, so it can be sent over a socket as it is;
 * - listeners are called on the UI's event loop, in order; `on*` returns the unsubscribe;
 * - a method that fails rejects with a LabError whose message the player shows the learner.
 *
 * Keep it small: the player depends on nothing else of the lab.
 */
import type { CgroupStats, MountEntry, ProcessInfo } from '../../engine/observer/index.js';
import type { TimelineEntry } from '../../engine/timeline/types.js';
import type {
  CheckpointResult,
  CodeBlock,
  Hint,
  Lesson,
  QuizOutcome,
  Step,
} from '../lessons/lessons-api.js';

export interface LabConnection {
  /** The lesson being played (parsed where the lab runs). */
  readonly lesson: Lesson;
  /** Steps, checkpoints, hints, quizzes, solutions and progress. */
  readonly run: LessonControl;
  /**
   * Starts the learner's shell in the lab, `cols` x `rows` cells. Called again for a new
   * shell after the last one ended (Ctrl-D, `exit`).
   */
  openShell(cols: number, rows: number): LabShell;
  /** The live view of the lab's kernel objects, for the panels. */
  readonly observer: LabObserver;
  /** What each command run in the lab's shells did to the kernel, and undo of a step. */
  readonly timeline: LabTimeline;
  /** Ends the shells, stops the observer and removes the whole lab. Safe to call twice. */
  close(): Promise<void>;
}

export type StepMark = 'done' | 'skipped' | 'todo';

export interface LessonEvents {
  /** Every checkpoint evaluation of the open step (in the background, or asked for). */
  result: { stepId: string; result: CheckpointResult };
  /** The open step's checkpoint passed (the progress is already saved). */
  pass: { stepId: string; result: CheckpointResult };
  /** Something the learner should read: a recovered progress file, a failed setup. */
  notice: string;
}

export interface EnteredStep {
  step: Step;
  /** The checkpoint's latest result, when it was evaluated already. */
  latest: CheckpointResult | undefined;
}

/** The lesson run as the player drives it (src/lessons/runner/lesson-run.ts locally). */
export interface LessonControl {
  on<K extends keyof LessonEvents>(
    event: K,
    listener: (payload: LessonEvents[K]) => void,
  ): () => void;
  /** Enters the step the learner left off at (its setup runs). */
  resume(): Promise<EnteredStep>;
  /** Leaves the open step (its cleanup runs) and enters step `number` (1-based). */
  enter(number: number): Promise<EnteredStep>;
  /** Evaluates the open step's checkpoint now; undefined for a step without one. */
  check(): Promise<CheckpointResult | undefined>;
  /** The next hint, matched to the lab's state; undefined when the step has none. */
  hint(): Promise<Hint | undefined>;
  /** The step's solution; rejects (LabError) until a hint was shown or the step passed. */
  solution(): Promise<CodeBlock[]>;
  /** Records answer `choice` (0-based) to quiz `quiz` of the open step. */
  answerQuiz(quiz: number, choice: number): Promise<QuizOutcome>;
  /** Per step of the lesson: done, skipped or not yet (from the saved progress). */
  marks(): Promise<StepMark[]>;
}

/** The learner's shell: a pty in the lab, with a program that reads what is written to it. */
export interface LabShell {
  /** Its process ID where it runs, once known. */
  readonly pid: number | undefined;
  /** What the shell writes to its terminal (UTF-8 text with escape sequences). */
  onData(listener: (data: string) => void): () => void;
  /** Called once when the shell has ended. */
  onExit(listener: (exit: { exitCode: number; signal: number | undefined }) => void): () => void;
  /** Bytes typed into the shell's terminal. */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Ends the shell and everything it started; resolves once they are gone. */
  kill(): Promise<void>;
}

/** One look at the lab. */
export interface LabSnapshot {
  /** When it was taken (ms since the epoch). */
  at: number;
  /** The PID of the learner's shell (the root of the process panel), once one runs. */
  shellPid: number | undefined;
  /**
   * Processes: at least the shell's subtree and PID 1 (the host's namespaces and
   * capabilities are what the panels compare with); locally, all of the host's.
   */
  processes: ProcessInfo[];
  /** The lab cgroup's numbers, once read. */
  cgroup: CgroupStats | undefined;
  /** Whether a lab process started, ended or changed since the snapshot before. */
  labChanged: boolean;
}

export interface LabObserver {
  /** The newest snapshot (undefined before the first). */
  latest(): LabSnapshot | undefined;
  /** Called with each new snapshot. */
  onSnapshot(listener: (snapshot: LabSnapshot) => void): () => void;
  /**
   * Look at least every `ms` (undefined: the observer's own pace, which is slow while the
   * lab is idle): the cgroup panel's memory history wants a look a second.
   */
  setMaxInterval(ms: number | undefined): void;
  /** The mount table process `pid` sees ('self': the observer's own, the host's). */
  readMounts(pid: number | 'self'): Promise<MountEntry[] | undefined>;
}

/**
 * The lab's timeline: one entry per command the learner ran in a lab shell (prompt to
 * prompt), with the kernel objects it made, joined, changed or removed; and undo.
 */
export interface LabTimeline {
  /** The entries so far, oldest first. */
  entries(): TimelineEntry[];
  /** Called with each new entry (a command's, or an undo's). */
  onEntry(listener: (entry: TimelineEntry) => void): () => void;
  /**
   * Takes the lab back to the kernel state the open step began with (what was made since
   * is removed, the step's setup runs again); resolves with the entry that says what was
   * undone. Rejects (LabError) when no step is open.
   */
  undo(): Promise<TimelineEntry>;
}

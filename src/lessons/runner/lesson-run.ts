/**
 * A lesson being played: its lab, the open step, the background checkpoint watcher, and the
 * learner's progress. The player (TUI) drives one of these; it renders and dispatches keys,
 * and every decision about steps, checkpoints, hints, quizzes and solutions is made here.
 *
 * Entering a step runs its setup, records the counters "rose" checks compare with, and
 * starts re-evaluating its checkpoint (about once a second, or on the changes a ChangeSource
 * signals); leaving it runs its cleanup.
 */
import { LabError } from '../../engine/errors.js';
import { scaled } from '../../engine/time-scale.js';
import { TypedEmitter } from '../../engine/observer/index.js';
import type { SessionReport } from '../../engine/session.js';
import type { SaidLines } from '../../engine/said-lines.js';
import { identityOf } from '../../engine/procfs.js';
import { readLabState } from '../../engine/timeline/lab-state.js';
import { writeMark, type LabMark } from '../../engine/timeline/mark.js';
import type { TimelineEntry } from '../../engine/timeline/types.js';
import { undoToMark, type UndoScope } from '../../engine/timeline/undo.js';
import type { CheckContext } from '../checks/context.js';
import type { CheckpointResult } from '../checks/types.js';
import type { CodeBlock, Hint, Lesson, Step } from '../format/model.js';
import { hintFor, hintsFor } from '../hints.js';
import {
  markCheckpointPassed,
  markStepDone,
  recordHintShown,
  recordQuizAnswer,
  recordSolutionShown,
  resetProgress,
  resumeStep,
  setCurrentStep,
  skipStep,
  solutionAllowed,
} from '../progress/operations.js';
import { ProgressStore } from '../progress/store.js';
import { openLessonLab, type LessonLab } from '../session/lesson-lab.js';
import { unmetPhrases } from '../session/requirements.js';
import { labArgv, recordProcess, runLabScript, type ScriptResult } from '../session/spawn.js';
import { Watcher, type ChangeSource } from '../watcher.js';
import { snapshotSystem, type ProcessSnapshot } from './snapshot-system.js';
import { phrase, phraseList } from '../../i18n/phrase.js';

const SCRIPT_TIMEOUT_MS = 60_000;

export interface LessonRunEvents {
  /** Every checkpoint evaluation of the open step (background or forced). */
  result: { step: Step; result: CheckpointResult };
  /** The open step's checkpoint passed (progress is already saved). */
  pass: { step: Step; result: CheckpointResult };
  /** A step was entered (its setup has run). */
  step: Step;
  /** Something the learner should read: a recovered progress file, a failed setup. */
  notice: string;
  /** The open step's progress changed otherwise: a hint or the solution shown, a quiz answered. */
  progress: Step;
}

export interface QuizOutcome {
  correct: boolean;
  /** The explanation of the chosen answer. */
  explain: string;
  /** The explanation of the right answer (the same when correct). */
  right: string;
}

/** What an undo of the open step did. */
export interface StepUndo {
  step: Step;
  /** What was removed or set back (in the words of cleanup reports). */
  undone: string[];
  /** What could not be. */
  errors: string[];
  /** Each line's phrase, under its English (for the screen's language). */
  said: SaidLines;
}

export interface ShellCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface LessonRunOptions {
  store?: ProgressStore;
  /** Background checkpoint interval (default 1000 ms) when no change source is given. */
  intervalMs?: number;
  /** What a live view of the lab offers the checkpoint watcher: see watchLive(). */
  live?: LiveSources;
  /** Open the lab early (see OpenLabOptions): steps wait for it to be ready. */
  early?: boolean;
}

/** What the player already watches, for the background checkpoint to reuse. */
export interface LiveSources {
  /**
   * Signals that the system may have changed (see Watcher): the open step's checkpoint is
   * then re-evaluated on changes (and every few seconds all the same), not every second.
   */
  changes: ChangeSource;
  /** The processes last seen: background evaluations look for lab processes there. */
  processes?: ProcessSnapshot;
}

export class LessonRun extends TypedEmitter<LessonRunEvents> {
  private current: Step | undefined;
  private watcher: Watcher | undefined;
  private closed = false;
  private live: LiveSources | undefined;
  private mark: LabMark | undefined;
  /** The learner's shells (pid:start): an undo never ends them. */
  private readonly shells = new Set<string>();

  private constructor(
    readonly lesson: Lesson,
    readonly lab: LessonLab,
    readonly store: ProgressStore,
    private readonly intervalMs: number,
    live: LiveSources | undefined,
  ) {
    super();
    this.live = live;
  }

  /**
   * Opens the lesson's lab. Refuses (LabError with the remedies) a host that lacks what
   * the lesson requires. Call enter() (or resume()) next.
   */
  static async open(lesson: Lesson, options: LessonRunOptions = {}): Promise<LessonRun> {
    const unmet = unmetPhrases(lesson.requirements);
    if (unmet.length > 0)
      throw new LabError(
        phrase('error.cannotRunLesson', {
          lesson: lesson.id,
          unmet: phraseList('error.join.semicolon', unmet),
        }),
        { remedy: phrase('error.remedy.doctor') },
      );
    const store = options.store ?? new ProgressStore();
    const lab = await openLessonLab(lesson, { early: options.early === true });
    return new LessonRun(lesson, lab, store, options.intervalMs ?? 1000, options.live);
  }

  /**
   * From the next step entered on (call it before resume() or enter()), the background
   * checkpoint follows `live`: re-evaluated when it signals a change, finding processes in
   * its snapshot. Undefined: back to polling every `intervalMs`. The "check" key always
   * looks at the whole system afresh.
   */
  watchLive(live: LiveSources | undefined): void {
    this.live = live;
  }

  get step(): Step | undefined {
    return this.current;
  }

  /** The latest checkpoint result of the open step. */
  get latest(): CheckpointResult | undefined {
    return this.watcher?.latest;
  }

  /** How the UI starts the learner's shell (in a pty): inside the lab's cgroup, lab env. */
  shellCommand(shell = 'bash', args: readonly string[] = ['-i']): ShellCommand {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.lab.env)) if (v !== undefined) env[k] = v;
    return {
      file: '/bin/sh',
      args: labArgv(this.lab, shell, args),
      env,
      cwd: this.lab.session.dir,
    };
  }

  /**
   * Journals a process the UI started for the lab, so cleanup can end it. A `shell` (the
   * learner's) is never ended by an undo.
   */
  recordProcess(pid: number, options: { shell?: boolean } = {}): Promise<void> {
    const id = identityOf(pid);
    if (options.shell === true && id !== undefined) this.shells.add(`${id.pid}:${id.start}`);
    return recordProcess(this.lab, pid);
  }

  /** The kernel objects of this lab: its cgroup, its own process, its directories. */
  get scope(): UndoScope {
    return {
      cgroupPath: this.lab.context.cgroupBase,
      ownerPid: process.pid,
      dirs: [this.lab.session.dir, this.lab.session.runDir],
    };
  }

  /** When the open step began (ms since the epoch): what an undo goes back to. */
  get markedAt(): number | undefined {
    return this.mark?.at;
  }

  /** Enters the step the learner left off at. */
  async resume(): Promise<Step> {
    const { progress, recovered } = this.store.load();
    if (recovered !== undefined) this.emit('notice', recovered);
    return this.enter(resumeStep(progress, this.lesson).number);
  }

  /** Leaves the open step (its cleanup runs) and enters step `number` (1-based). */
  async enter(number: number): Promise<Step> {
    this.assertOpen();
    const step = this.lesson.steps[number - 1];
    if (step === undefined)
      throw new LabError(phrase('error.noStep', { lesson: this.lesson.id, n: String(number) }), {
        remedy: phrase('error.noStep.remedy', { total: String(this.lesson.steps.length) }),
      });
    await this.leave();
    await this.openStep(step);
    return step;
  }

  /**
   * Takes the lab back to the kernel state the open step began with: what was made since
   * the step began is removed (what the journal recorded since its mark, and what the
   * learner made by hand: processes, cgroups, mounts, netns and veths; `entries` is the
   * lab's timeline since then, which says which named network objects the lab made), then
   * the step opens again (its setup runs). The learner's progress is not touched.
   */
  async undo(entries: readonly TimelineEntry[] = []): Promise<StepUndo> {
    const step = this.requireStep();
    const mark = this.mark;
    if (mark === undefined) throw new LabError('this step has no mark to go back to');
    this.watcher?.stop();
    this.watcher = undefined;
    // Not the step's cleanup: that is for leaving the step, and may remove what earlier
    // steps made (which the step found, and must find again).
    const keep = (pid: number, start: number): boolean => this.shells.has(`${pid}:${start}`);
    const journal = await this.lab.session.undoSince(
      mark.seq,
      (r) => (r.kind === 'process' && keep(r.pid, r.start)) || r.kind === 'supervisor',
    );
    const scope = this.scope;
    const report = await undoToMark(mark.state, scope, {
      entries,
      keep: (p) => keep(p.pid, p.start) || p.ppid === scope.ownerPid,
    });
    this.current = undefined;
    await this.openStep(step);
    return {
      step,
      undone: [...journal.removed, ...report.undone],
      errors: [...journal.errors, ...report.errors],
      said: { ...journal.said, ...report.said },
    };
  }

  private async openStep(step: Step): Promise<void> {
    // A lab opened early may still be writing its rootfs, which steps and checks use.
    await this.lab.ready;
    this.current = step;
    this.store.update((p) => setCurrentStep(p, this.lesson.id, step.id));
    await this.markStep(step);
    const failed = await this.runScripts(step.setup, 'setup');
    if (failed !== undefined) this.emit('notice', failed);
    if (step.checkpoint !== undefined) {
      const watcher = new Watcher({
        checks: step.checkpoint,
        context: this.lab.context,
        intervalMs: this.intervalMs,
        changes: this.live?.changes,
        backgroundContext: this.backgroundContext(),
      });
      watcher.on('result', (result) => this.emit('result', { step, result }));
      watcher.on('pass', (result) => {
        this.store.update((p) => markCheckpointPassed(p, this.lesson.id, step.id));
        this.emit('pass', { step, result });
      });
      watcher.on('error', (message) => this.emit('notice', `checkpoint: ${message}`));
      this.watcher = watcher;
      await watcher.start();
    }
    this.emit('step', step);
  }

  /**
   * Marks where the step begins: a mark in the journal and a look at the lab, kept in the
   * session directory too (`contlab reset LESSON STEP` from another terminal reads it).
   */
  private async markStep(step: Step): Promise<void> {
    const seq = this.lab.session.mark(`step ${step.id}`);
    const state = await readLabState(this.scope);
    this.mark = {
      seq,
      at: Date.now(),
      lesson: this.lesson.id,
      step: { number: step.number, id: step.id },
      scope: this.scope,
      state,
    };
    try {
      writeMark(this.lab.session.dir, this.mark);
    } catch (err) {
      this.emit(
        'notice',
        `could not keep the step's mark for contlab reset: ${(err as Error).message}`,
      );
    }
  }

  /** The next step (after marking the open one skipped when it is not done). */
  async skip(): Promise<Step | undefined> {
    const step = this.requireStep();
    this.store.update((p) => skipStep(p, this.lesson.id, step.id));
    const next = step.number + 1;
    if (next > this.lesson.steps.length) return undefined;
    return this.enter(next);
  }

  /** Redo the open step from scratch: its progress is forgotten, cleanup and setup run again. */
  async redo(): Promise<Step> {
    const step = this.requireStep();
    this.store.update((p) => resetProgress(p, this.lesson.id, step.id));
    return this.enter(step.number);
  }

  /** Evaluates the checkpoint now (the "check" key). Undefined for a step without one. */
  async check(): Promise<CheckpointResult | undefined> {
    this.requireStep();
    return this.watcher?.evaluateNow();
  }

  /** The next hint, matched to the current state; undefined when the step has none. */
  async hint(): Promise<Hint | undefined> {
    const step = this.requireStep();
    if (step.hints.length === 0) return undefined;
    const result = step.checkpoint === undefined ? undefined : await this.check();
    const { progress } = this.store.update((p) => recordHintShown(p, this.lesson.id, step.id));
    const level = progress.lessons[this.lesson.id]?.steps[step.id]?.hintsShown ?? 1;
    this.emit('progress', step);
    return hintFor(step, result, level);
  }

  /** Hints that match the state right now, best first (for a UI that lists them). */
  hintsNow(): Hint[] {
    return hintsFor(this.requireStep(), this.latest);
  }

  /**
   * The step's solution: its ```solution blocks, or its ```sh blocks when it has none.
   * Revealed only after a hint was shown or the step passed; before that, a LabError says so.
   */
  solution(): CodeBlock[] {
    const step = this.requireStep();
    const { progress } = this.store.load();
    if (!solutionAllowed(progress, this.lesson.id, step.id))
      throw new LabError(phrase('error.solutionTooEarly'), {
        remedy: phrase('error.solutionTooEarly.remedy'),
      });
    this.store.update((p) => recordSolutionShown(p, this.lesson.id, step.id));
    this.emit('progress', step);
    return step.solution.length > 0 ? step.solution : step.commands;
  }

  /** Records an answer (0-based choice) to quiz `quiz` of the open step. */
  answerQuiz(quiz: number, choice: number): QuizOutcome {
    const step = this.requireStep();
    const q = step.quizzes[quiz];
    const chosen = q?.choices[choice];
    if (q === undefined || chosen === undefined)
      throw new LabError(`step ${step.number} has no quiz ${quiz + 1} with a choice ${choice + 1}`);
    const correct = choice === q.answer;
    const { progress } = this.store.update((p) => {
      recordQuizAnswer(p, this.lesson.id, step.id, quiz, choice, correct);
    });
    // A step that only explains is done once every quiz in it was answered right.
    const answers = progress.lessons[this.lesson.id]?.steps[step.id]?.quiz ?? {};
    const allRight = step.quizzes.every((_, i) => answers[String(i)]?.correct === true);
    if (step.checkpoint === undefined && allRight)
      this.store.update((p) => markStepDone(p, this.lesson.id, step.id));
    this.emit('progress', step);
    return { correct, explain: chosen.explain, right: q.choices[q.answer]?.explain ?? '' };
  }

  /** Leaves the open step (cleanup) and removes the whole lab. Safe to call twice. */
  async close(): Promise<SessionReport> {
    if (this.closed) return { removed: [], errors: [] };
    await this.leave();
    this.closed = true;
    return this.lab.close();
  }

  private async leave(): Promise<void> {
    this.watcher?.stop();
    this.watcher = undefined;
    const step = this.current;
    this.current = undefined;
    if (step === undefined) return;
    const failed = await this.runScripts(step.cleanup, 'cleanup');
    if (failed !== undefined) this.emit('notice', failed);
  }

  private async runScripts(
    blocks: readonly CodeBlock[],
    what: 'setup' | 'cleanup',
  ): Promise<string | undefined> {
    for (const block of blocks) {
      const r: ScriptResult = await runLabScript(this.lab, block.text, scaled(SCRIPT_TIMEOUT_MS));
      if (r.code !== 0)
        return `the step's ${what} (${this.lesson.file}:${block.pos.line}) failed with exit ${r.code}${r.timedOut ? ' (time limit)' : ''}: ${r.output.trim()}`;
    }
    return undefined;
  }

  /** The check context of background evaluations: processes from the live snapshot. */
  private backgroundContext(): CheckContext | undefined {
    const processes = this.live?.processes;
    if (processes === undefined) return undefined;
    const context = this.lab.context;
    return { ...context, system: () => snapshotSystem(context.system(), processes) };
  }

  private requireStep(): Step {
    this.assertOpen();
    if (this.current === undefined)
      throw new LabError('no step is open: call enter() or resume() first');
    return this.current;
  }

  private assertOpen(): void {
    if (this.closed) throw new LabError('this lesson run is closed');
  }
}

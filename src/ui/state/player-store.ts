/**
 * The lesson player's state: the open step, the checkpoint (running, its last result, passed),
 * the hint and quiz on screen. Every decision is the lesson run's (through the lab
 * connection's LessonControl); this keeps what the screen shows and lets React subscribe
 * (useSyncExternalStore).
 */
import { t } from '../../i18n/messages.js';
import { shownMessage } from '../../engine/errors.js';
import type { EnteredStep, LessonControl, StepMark } from '../app/lab-connection.js';
import type {
  CheckpointResult,
  CodeBlock,
  Hint,
  Lesson,
  QuizOutcome,
  Step,
} from '../lessons/lessons-api.js';
import { stepCommands } from '../lessons/step-commands.js';

export type { StepMark };

export interface PlayerState {
  step: Step | undefined;
  /** The step's setup is running (entering a step). */
  entering: boolean;
  /** A forced check is running (the spinner). */
  checking: boolean;
  /** Latest checkpoint result (background or forced). */
  result: CheckpointResult | undefined;
  /** Whether the learner asked to see the details of `result`. */
  detailed: boolean;
  passed: boolean;
  hint: Hint | undefined;
  hintNumber: number;
  /** The step's commands, numbered from 1 in the player (Ctrl-T N runs command N). */
  commands: string[];
  quiz: { choice: number; outcome: QuizOutcome } | undefined;
  solution: CodeBlock[] | undefined;
  marks: StepMark[];
  /** The last thing the learner should read (a failed setup, an error). */
  message: string | undefined;
}

function resultKey(r: CheckpointResult | undefined): string {
  if (r === undefined) return '';
  return `${r.ok}|${r.results.map((x) => `${x.ok}:${x.saw}:${x.expected}`).join('|')}`;
}

export class PlayerStore {
  private state: PlayerState;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly lesson: Lesson,
    private readonly run: LessonControl,
  ) {
    this.state = {
      step: undefined,
      entering: true,
      checking: false,
      result: undefined,
      detailed: false,
      passed: false,
      hint: undefined,
      hintNumber: 0,
      commands: [],
      quiz: undefined,
      solution: undefined,
      marks: lesson.steps.map(() => 'todo'),
      message: undefined,
    };
    run.on('result', ({ stepId, result }) => {
      // Background checks run on every change: only a different result re-renders.
      if (stepId === this.state.step?.id && resultKey(result) !== resultKey(this.state.result))
        this.set({ result });
    });
    run.on('pass', ({ stepId, result }) => {
      if (stepId !== this.state.step?.id) return;
      this.set({ result, passed: true, detailed: true });
      void this.refreshMarks();
    });
    run.on('notice', (message) => this.set({ message }));
    void this.refreshMarks();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getState = (): PlayerState => this.state;

  /** Opens the step to continue from (or step `number`). */
  async open(number?: number): Promise<void> {
    await this.guard(async () => {
      // A notice from the step's setup (emitted while entering) stays; older ones go.
      this.set({ entering: true, message: undefined });
      const entered = number === undefined ? await this.run.resume() : await this.run.enter(number);
      await this.enterDone(entered);
    });
  }

  async go(delta: 1 | -1): Promise<void> {
    const current = this.state.step?.number ?? 1;
    const target = current + delta;
    if (target < 1 || target > this.lesson.steps.length || this.state.entering) return;
    await this.open(target);
  }

  async check(): Promise<void> {
    if (this.state.checking || this.state.step?.checkpoint === undefined) return;
    this.set({ checking: true, detailed: true });
    await this.guard(async () => {
      const result = await this.run.check();
      this.set({ result, passed: result?.ok === true || this.state.passed });
    });
    this.set({ checking: false });
    await this.refreshMarks();
  }

  async hint(): Promise<void> {
    await this.guard(async () => {
      const hint = await this.run.hint();
      if (hint === undefined) this.set({ message: t('player.noHints') });
      else this.set({ hint, hintNumber: this.state.hintNumber + 1 });
    });
  }

  async showSolution(): Promise<void> {
    await this.guard(async () => this.set({ solution: await this.run.solution() }));
  }

  async answer(choice: number): Promise<void> {
    const quiz = this.state.step?.quizzes[0];
    if (quiz === undefined) return this.set({ message: t('player.noQuiz') });
    if (choice >= quiz.choices.length) return;
    await this.guard(async () => {
      const outcome = await this.run.answerQuiz(0, choice);
      this.set({ quiz: { choice, outcome } });
      await this.refreshMarks();
    });
  }

  private async enterDone({ step, latest }: EnteredStep): Promise<void> {
    const marks = await this.readMarks();
    this.set({
      step,
      entering: false,
      result: latest,
      detailed: false,
      passed: marks[step.number - 1] === 'done' && latest?.ok === true,
      hint: undefined,
      hintNumber: 0,
      commands: stepCommands(step.commands),
      quiz: undefined,
      solution: undefined,
      marks,
    });
  }

  private async readMarks(): Promise<StepMark[]> {
    try {
      return await this.run.marks();
    } catch {
      return this.state.marks;
    }
  }

  private async refreshMarks(): Promise<void> {
    const marks = await this.readMarks();
    if (marks.join() !== this.state.marks.join()) this.set({ marks });
  }

  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.set({ message: shownMessage(err), entering: false });
    }
  }

  private set(patch: Partial<PlayerState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }
}

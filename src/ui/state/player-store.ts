/**
 * The lesson player's state: the open step, the checkpoint (running, its last result, passed),
 * the hint and quiz on screen. Every decision is the lesson run's (src/lessons); this keeps
 * what the screen shows and lets React subscribe (useSyncExternalStore).
 */
import { messageOf } from '../../engine/errors.js';
import type {
  CheckpointResult,
  CodeBlock,
  Hint,
  LessonRun,
  QuizOutcome,
  Step,
} from '../lessons/lessons-api.js';

export type StepMark = 'done' | 'skipped' | 'todo';

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

  constructor(readonly run: LessonRun) {
    this.state = {
      step: undefined,
      entering: true,
      checking: false,
      result: undefined,
      detailed: false,
      passed: false,
      hint: undefined,
      hintNumber: 0,
      quiz: undefined,
      solution: undefined,
      marks: this.readMarks(),
      message: undefined,
    };
    run.on('result', ({ step, result }) => {
      // The background check runs every second: only a different result re-renders.
      if (step === this.state.step && resultKey(result) !== resultKey(this.state.result))
        this.set({ result });
    });
    run.on('pass', ({ step, result }) => {
      if (step === this.state.step)
        this.set({ result, passed: true, detailed: true, marks: this.readMarks() });
    });
    run.on('notice', (message) => this.set({ message }));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  getState = (): PlayerState => this.state;

  get lesson(): LessonRun['lesson'] {
    return this.run.lesson;
  }

  /** Opens the step to continue from (or step `number`). */
  async open(number?: number): Promise<void> {
    await this.guard(async () => {
      this.set({ entering: true });
      const step = number === undefined ? await this.run.resume() : await this.run.enter(number);
      this.enterDone(step);
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
    this.set({ checking: false, marks: this.readMarks() });
  }

  async hint(): Promise<void> {
    await this.guard(async () => {
      const hint = await this.run.hint();
      if (hint === undefined) this.set({ message: 'this step has no hints' });
      else this.set({ hint, hintNumber: this.state.hintNumber + 1 });
    });
  }

  showSolution(): void {
    try {
      this.set({ solution: this.run.solution() });
    } catch (err) {
      this.set({ message: messageOf(err) });
    }
  }

  answer(choice: number): void {
    try {
      const outcome = this.run.answerQuiz(0, choice);
      this.set({ quiz: { choice, outcome }, marks: this.readMarks() });
    } catch (err) {
      this.set({ message: messageOf(err) });
    }
  }

  private enterDone(step: Step): void {
    this.set({
      step,
      entering: false,
      result: this.run.latest,
      detailed: false,
      passed: this.state.marks[step.number - 1] === 'done' && this.run.latest?.ok === true,
      hint: undefined,
      hintNumber: 0,
      quiz: undefined,
      solution: undefined,
      marks: this.readMarks(),
    });
  }

  private readMarks(): StepMark[] {
    try {
      const lp = this.run.store.load().progress.lessons[this.lesson.id];
      return this.lesson.steps.map((s) => {
        const sp = lp?.steps[s.id];
        if (sp?.completedAt !== undefined) return 'done';
        return sp?.skipped === true ? 'skipped' : 'todo';
      });
    } catch {
      return this.lesson.steps.map(() => 'todo');
    }
  }

  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.set({ message: messageOf(err), entering: false });
    }
  }

  private set(patch: Partial<PlayerState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of [...this.listeners]) l();
  }
}

/**
 * What an attendee's lab tells the class, taken from the lesson run it plays: the lesson,
 * the open step, the checks of its checkpoint as they change (name, pass or fail, explain
 * text), hints and solutions shown (from the progress file, which the run keeps), and time
 * on each step. It only listens to the run's events and reads its progress: the shell's
 * contents and keystrokes never reach it. One line attaches it to a player:
 *
 *   const detach = attachReporter(run, client);
 */
import { t } from '../i18n/messages.js';
import { checkLabel, expectedText } from '../lessons/checks/describe.js';
import type { CheckpointResult } from '../lessons/checks/types.js';
import type { Step } from '../lessons/format/model.js';
import type { LessonRun } from '../lessons/runner/lesson-run.js';
import type { AttendeeState, CheckState, LessonInfo, StepRecord } from './protocol.js';

/** Where the reports go (the ClassClient). */
export interface ReportSink {
  setLesson(lesson: LessonInfo): void;
  update(state: AttendeeState): void;
  /** Where to get the state afresh (a rejoin resends it: durations must be current). */
  stateFrom?(source: () => AttendeeState): void;
}

/** The parts of a LessonRun the reporter uses. */
export type ReportedRun = Pick<LessonRun, 'lesson' | 'step' | 'latest' | 'store' | 'on'>;

export function lessonInfo(run: Pick<LessonRun, 'lesson'>): LessonInfo {
  return {
    id: run.lesson.id,
    title: run.lesson.title.slice(0, 200),
    steps: run.lesson.steps.map((s) => ({
      id: s.id,
      title: s.title.slice(0, 200),
      checkpoint: s.checkpoint !== undefined,
    })),
  };
}

/**
 * The checks as the learner sees them, in the learner's language: the label (the check's
 * name, the same in every edition of a lesson, or "kind check (line N)" said in it) and the
 * explanation (the lesson's, translated where the edition has it, or what was expected).
 * The instructor helping at this attendee's desk reads the same words as on their screen;
 * a class in one language reads in it throughout. The dashboard's own words are the
 * instructor's language (room-text.ts, web-words.ts).
 */
export function checkStates(result: CheckpointResult | undefined): CheckState[] {
  return (result?.results ?? []).slice(0, 50).map((r) => ({
    name: checkLabel(r).slice(0, 100),
    ok: r.ok,
    explain: (r.check.explain ?? t('class.report.expected', { expected: expectedText(r) })).slice(
      0,
      500,
    ),
  }));
}

/** Durations the protocol takes: whole milliseconds, at most a week. */
const ms = (value: number): number =>
  Math.min(7 * 24 * 3600 * 1000, Math.max(0, Math.round(value)));

const sameChecks = (a: CheckState[], b: CheckState[]): boolean =>
  a.length === b.length &&
  a.every((c, i) => c.name === b[i]?.name && c.ok === b[i]?.ok && c.explain === b[i]?.explain);

export class ClassReporter {
  /** Time on each step in earlier visits (this session). */
  private readonly spent = new Map<string, number>();
  private readonly passMs = new Map<string, number>();
  private open: { step: Step; since: number } | undefined;
  private progressAt: number;
  private checks: CheckState[] = [];
  private offs: (() => void)[] = [];
  private followingNow: boolean;

  constructor(
    private readonly run: ReportedRun,
    private readonly sink: ReportSink,
    options: { following?: boolean; now?: () => number } = {},
  ) {
    this.now = options.now ?? ((): number => Date.now());
    this.followingNow = options.following ?? true;
    this.progressAt = this.now();
  }

  private readonly now: () => number;

  /** Starts reporting (the lesson at once, and the open step if there is one). */
  attach(): () => void {
    this.sink.setLesson(lessonInfo(this.run));
    this.sink.stateFrom?.(() => this.snapshot());
    this.offs = [
      this.run.on('step', (step) => this.entered(step)),
      this.run.on('result', ({ step, result }) => this.result(step, result)),
      this.run.on('pass', ({ step, result }) => this.passed(step, result)),
      this.run.on('progress', () => this.send()),
    ];
    const step = this.run.step;
    if (step !== undefined) this.entered(step);
    else this.send();
    return () => this.detach();
  }

  detach(): void {
    for (const off of this.offs) off();
    this.offs = [];
  }

  get following(): boolean {
    return this.followingNow;
  }

  set following(on: boolean) {
    this.followingNow = on;
    this.send();
  }

  private entered(step: Step): void {
    const now = this.now();
    this.closeVisit(now);
    this.open = { step, since: now };
    this.progressAt = now;
    this.checks = checkStates(this.run.latest);
    this.send();
  }

  private result(step: Step, result: CheckpointResult): void {
    if (step !== this.open?.step) return;
    const checks = checkStates(result);
    const before = new Map(this.checks.map((c) => [c.name, c.ok]));
    if (checks.some((c) => c.ok && before.get(c.name) === false)) this.progressAt = this.now();
    if (sameChecks(checks, this.checks)) return;
    this.checks = checks;
    this.send();
  }

  private passed(step: Step, result: CheckpointResult): void {
    if (step !== this.open?.step) return;
    const now = this.now();
    if (!this.passMs.has(step.id)) this.passMs.set(step.id, this.timeOn(step.id, now));
    this.progressAt = now;
    this.checks = checkStates(result);
    this.send();
  }

  private closeVisit(now: number): void {
    if (this.open === undefined) return;
    this.spent.set(this.open.step.id, this.timeOn(this.open.step.id, now));
    this.open = undefined;
  }

  private timeOn(stepId: string, now: number): number {
    const before = this.spent.get(stepId) ?? 0;
    return this.open?.step.id === stepId ? before + (now - this.open.since) : before;
  }

  private send(): void {
    this.sink.update(this.snapshot());
  }

  /** The attendee's state as of now. */
  snapshot(): AttendeeState {
    const now = this.now();
    const lesson = this.run.lesson;
    let stored: ReturnType<ReportedRun['store']['load']>['progress'] | undefined;
    try {
      stored = this.run.store.load().progress;
    } catch {
      // a damaged progress file is the player's to report; the class sees this session only
    }
    const progress = stored?.lessons[lesson.id]?.steps ?? {};
    const steps: Record<string, StepRecord> = {};
    for (const s of lesson.steps) {
      const p = progress[s.id];
      const visited = this.spent.has(s.id) || this.open?.step.id === s.id;
      if (p === undefined && !visited) continue;
      const passMs = this.passMs.get(s.id);
      steps[s.id] = {
        timeMs: ms(this.timeOn(s.id, now)),
        passed: p?.completedAt !== undefined,
        ...(passMs === undefined ? {} : { passMs: ms(passMs) }),
        hints: Math.min(1000, p?.hintsShown ?? 0),
        solution: p?.solutionShown === true,
        skipped: p?.skipped === true,
      };
    }
    const open = this.open;
    return {
      lesson: lesson.id,
      step: open?.step.number ?? null,
      onStepMs: open === undefined ? 0 : ms(this.timeOn(open.step.id, now)),
      sinceProgressMs: ms(now - this.progressAt),
      checks: open === undefined ? [] : this.checks,
      steps,
      following: this.followingNow,
    };
  }
}

/** Reports `run` to the class through `sink` until the returned function is called. */
export function attachReporter(
  run: ReportedRun,
  sink: ReportSink,
  options: { following?: boolean } = {},
): () => void {
  return new ClassReporter(run, sink, options).attach();
}

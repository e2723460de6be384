/**
 * What a learner's actions do to their progress, as plain functions on the Progress value
 * (the store reads, applies one, and writes atomically). Steps can be done, skipped, redone
 * and jumped to in any order; nothing here refuses a learner's choice.
 */
import type { Lesson } from '../format/model.js';
import type { LessonProgress, Progress, StepProgress } from './schema.js';

const now = (): string => new Date().toISOString();

export function lessonProgress(p: Progress, lessonId: string): LessonProgress {
  let lp = p.lessons[lessonId];
  if (lp === undefined) {
    const at = now();
    lp = { startedAt: at, updatedAt: at, steps: {} };
    p.lessons[lessonId] = lp;
  }
  return lp;
}

export function stepProgress(p: Progress, lessonId: string, stepId: string): StepProgress {
  const lp = lessonProgress(p, lessonId);
  lp.updatedAt = now();
  let sp = lp.steps[stepId];
  if (sp === undefined) {
    sp = { hintsShown: 0, quiz: {} };
    lp.steps[stepId] = sp;
  }
  return sp;
}

/** The learner opened a step: it becomes the resume point. */
export function setCurrentStep(p: Progress, lessonId: string, stepId: string): void {
  const lp = lessonProgress(p, lessonId);
  lp.currentStep = stepId;
  lp.updatedAt = now();
}

/** The checkpoint passed: the step is done (a pass after a skip clears the skip). */
export function markCheckpointPassed(p: Progress, lessonId: string, stepId: string): void {
  const sp = stepProgress(p, lessonId, stepId);
  const at = now();
  sp.checkpointPassedAt ??= at;
  markStepDone(p, lessonId, stepId, at);
}

/** The step is complete (its checkpoint passed, or a quiz-only step was answered). */
export function markStepDone(p: Progress, lessonId: string, stepId: string, at = now()): void {
  const sp = stepProgress(p, lessonId, stepId);
  sp.completedAt ??= at;
  delete sp.skipped;
}

export function skipStep(p: Progress, lessonId: string, stepId: string): void {
  const sp = stepProgress(p, lessonId, stepId);
  if (sp.completedAt === undefined) sp.skipped = true;
}

export function recordHintShown(p: Progress, lessonId: string, stepId: string): number {
  const sp = stepProgress(p, lessonId, stepId);
  sp.hintsShown += 1;
  return sp.hintsShown;
}

export function recordSolutionShown(p: Progress, lessonId: string, stepId: string): void {
  stepProgress(p, lessonId, stepId).solutionShown = true;
}

export function recordQuizAnswer(
  p: Progress,
  lessonId: string,
  stepId: string,
  quiz: number,
  answer: number,
  correct: boolean,
): void {
  stepProgress(p, lessonId, stepId).quiz[String(quiz)] = { answer, correct, at: now() };
}

/** A step's solution is shown only after the learner asked for a hint, or passed it. */
export function solutionAllowed(p: Progress, lessonId: string, stepId: string): boolean {
  const sp = p.lessons[lessonId]?.steps[stepId];
  return sp !== undefined && (sp.hintsShown > 0 || sp.checkpointPassedAt !== undefined);
}

/** Forgets one step, one lesson, or everything (stepId/lessonId undefined). */
export function resetProgress(p: Progress, lessonId?: string, stepId?: string): void {
  if (lessonId === undefined) {
    p.lessons = {};
    return;
  }
  if (stepId === undefined) {
    delete p.lessons[lessonId];
    return;
  }
  const lp = p.lessons[lessonId];
  if (lp === undefined) return;
  delete lp.steps[stepId];
  lp.currentStep = stepId;
  lp.updatedAt = now();
}

export interface LessonSummary {
  id: string;
  title: string;
  total: number;
  done: number;
  skipped: number;
  /** The step to open when the learner comes back. */
  resume: { number: number; id: string; title: string };
  complete: boolean;
  quizCorrect: number;
  quizAnswered: number;
}

/** Where to continue: the current step if it is not done, else the first step not done. */
export function resumeStep(p: Progress, lesson: Lesson): Lesson['steps'][number] {
  const lp = p.lessons[lesson.id];
  const steps = lesson.steps;
  const first = steps[0] as Lesson['steps'][number];
  if (lp === undefined) return first;
  const isDone = (id: string): boolean => lp.steps[id]?.completedAt !== undefined;
  const current = steps.find((s) => s.id === lp.currentStep);
  if (current !== undefined && !isDone(current.id)) return current;
  const from = current === undefined ? 0 : steps.indexOf(current);
  return (
    steps.slice(from).find((s) => !isDone(s.id)) ??
    steps.find((s) => !isDone(s.id)) ??
    current ??
    first
  );
}

export function summarise(p: Progress, lesson: Lesson): LessonSummary {
  const lp = p.lessons[lesson.id];
  const steps = lesson.steps.map((s) => lp?.steps[s.id]);
  const quizzes = steps.flatMap((sp) => Object.values(sp?.quiz ?? {}));
  const resume = resumeStep(p, lesson);
  const done = steps.filter((sp) => sp?.completedAt !== undefined).length;
  return {
    id: lesson.id,
    title: lesson.title,
    total: lesson.steps.length,
    done,
    skipped: steps.filter((sp) => sp?.skipped === true).length,
    resume: { number: resume.number, id: resume.id, title: resume.title },
    complete: done === lesson.steps.length,
    quizCorrect: quizzes.filter((q) => q.correct).length,
    quizAnswered: quizzes.length,
  };
}

/** How a step stands for the learner: done (✓), skipped, or not yet. */
export type StepMark = 'done' | 'skipped' | 'todo';

/** The mark of every step of a lesson, in order (what the lesson list draws). */
export function stepMarks(p: Progress, lesson: Pick<Lesson, 'id' | 'steps'>): StepMark[] {
  const lp = p.lessons[lesson.id];
  return lesson.steps.map((s) => {
    const sp = lp?.steps[s.id];
    if (sp?.completedAt !== undefined) return 'done';
    return sp?.skipped === true ? 'skipped' : 'todo';
  });
}

/**
 * The progress file's shape (version 1), validated on every read and import. Written with
 * zod's tree-shakable "mini" API: the home screen reads the progress file before its first
 * frame, and the classic API would load all of zod (~580 kB) to do it.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

// The classic API sets English messages on import; "mini" leaves that to its user.
z.config(en());

const time = z.string().check(z.minLength(1));
const count = z.int().check(z.nonnegative());

export const quizAnswerSchema = z.object({
  /** 0-based index of the chosen answer. */
  answer: count,
  correct: z.boolean(),
  at: time,
});

export const stepProgressSchema = z.object({
  completedAt: z.optional(time),
  skipped: z.optional(z.boolean()),
  checkpointPassedAt: z.optional(time),
  hintsShown: z._default(count, 0),
  solutionShown: z.optional(z.boolean()),
  /** By quiz number within the step (0-based, as a string key). */
  quiz: z._default(z.record(z.string(), quizAnswerSchema), {}),
});

export const lessonProgressSchema = z.object({
  currentStep: z.optional(z.string()),
  startedAt: time,
  updatedAt: time,
  steps: z._default(z.record(z.string(), stepProgressSchema), {}),
});

export const progressSchema = z.object({
  version: z.literal(1),
  lessons: z.record(z.string(), lessonProgressSchema),
});

export const exportSchema = z.object({
  format: z.literal('contlab-progress'),
  exportedAt: time,
  progress: progressSchema,
});

export type QuizAnswer = z.infer<typeof quizAnswerSchema>;
export type StepProgress = z.infer<typeof stepProgressSchema>;
export type LessonProgress = z.infer<typeof lessonProgressSchema>;
export type Progress = z.infer<typeof progressSchema>;

export function emptyProgress(): Progress {
  return { version: 1, lessons: {} };
}

/** The progress file's shape (version 1), validated on every read and import. */
import { z } from 'zod';

const time = z.string().min(1);

export const quizAnswerSchema = z.object({
  /** 0-based index of the chosen answer. */
  answer: z.number().int().nonnegative(),
  correct: z.boolean(),
  at: time,
});

export const stepProgressSchema = z.object({
  completedAt: time.optional(),
  skipped: z.boolean().optional(),
  checkpointPassedAt: time.optional(),
  hintsShown: z.number().int().nonnegative().default(0),
  solutionShown: z.boolean().optional(),
  /** By quiz number within the step (0-based, as a string key). */
  quiz: z.record(z.string(), quizAnswerSchema).default({}),
});

export const lessonProgressSchema = z.object({
  currentStep: z.string().optional(),
  startedAt: time,
  updatedAt: time,
  steps: z.record(z.string(), stepProgressSchema).default({}),
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

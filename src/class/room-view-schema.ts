/**
 * The shape of the dashboard view (what /api/room and the /events stream carry), as a
 * schema: the server builds it (room-view.ts), a terminal dashboard parses it back.
 */
import { z } from 'zod';
import { checkStateSchema, slideSchema } from './protocol.js';

export const attendeeRowSchema = z.object({
  n: z.number(),
  name: z.string(),
  status: z.enum(['online', 'away', 'left']),
  lesson: z.string().nullable(),
  lessonTitle: z.string().nullable(),
  step: z.number().nullable(),
  stepTitle: z.string().nullable(),
  steps: z.number(),
  /** Steps of the lesson done so far. */
  passed: z.number(),
  /** The open step is done. */
  stepPassed: z.boolean(),
  onStepMs: z.number(),
  /** Time since a check last started to pass. */
  idleMs: z.number(),
  stuck: z.boolean(),
  failing: z.array(checkStateSchema),
  /** Hints asked for / solutions shown in this lesson. */
  hints: z.number(),
  solutions: z.number(),
  following: z.boolean(),
  seq: z.number(),
});

export const stepStatsSchema = z.object({
  number: z.number(),
  id: z.string(),
  title: z.string(),
  checkpoint: z.boolean(),
  /** Attendees on this step now (not counting those who left). */
  here: z.number(),
  /** Attendees who opened it. */
  reached: z.number(),
  passed: z.number(),
  /** passed / reached, null when nobody reached it. */
  passRate: z.number().nullable(),
  /** Median time on the step until it passed, null when nobody's is known. */
  medianMs: z.number().nullable(),
  hints: z.number(),
  solutions: z.number(),
});

export const lessonStatsSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Attendees in this lesson now. */
  attendees: z.number(),
  steps: z.array(stepStatsSchema),
});

export const failedCheckSchema = z.object({
  lesson: z.string(),
  step: z.number(),
  stepTitle: z.string(),
  check: z.string(),
  explain: z.string(),
  /** How many of the attendees on that step fail it right now... */
  count: z.number(),
  /** ...out of how many are on the step. */
  of: z.number(),
});

export const roomViewSchema = z.object({
  now: z.number(),
  stuckMinutes: z.number(),
  counts: z.object({
    attendees: z.number(),
    online: z.number(),
    away: z.number(),
    left: z.number(),
    stuck: z.number(),
    /** Online attendees who follow the presenter's slides. */
    following: z.number(),
  }),
  attendees: z.array(attendeeRowSchema),
  lessons: z.array(lessonStatsSchema),
  mostFailed: failedCheckSchema.nullable(),
  slide: slideSchema.nullable(),
});

export type AttendeeRow = z.infer<typeof attendeeRowSchema>;
export type StepStats = z.infer<typeof stepStatsSchema>;
export type LessonStats = z.infer<typeof lessonStatsSchema>;
export type FailedCheck = z.infer<typeof failedCheckSchema>;
export type RoomView = z.infer<typeof roomViewSchema>;

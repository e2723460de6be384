/**
 * What the class server knows about the room, in one plain object that is saved as it is
 * (see room-file.ts) and from which every dashboard view is computed (room-view.ts). Times
 * are the server's clock in milliseconds: attendees send durations, and the server turns
 * them into times when they arrive, so attendees' clocks never matter.
 */
import { z } from 'zod';
import { checkStateSchema, lessonInfoSchema, slideSchema, stepRecordSchema } from './protocol.js';

export const attendeeRecordSchema = z.object({
  /** The attendee's own token (their lab keeps it to rejoin as the same attendee). */
  token: z.string(),
  /** The row's public number (dashboards never see tokens). */
  n: z.number().int().positive(),
  /** The name the room shows, unique in the room (case-insensitively). */
  name: z.string(),
  /** The name asked for with --name. */
  asked: z.string(),
  /** online: connected; away: the connection dropped (the lab will rejoin); left: said bye. */
  status: z.enum(['online', 'away', 'left']),
  lesson: z.string().nullable(),
  step: z.number().int().positive().nullable(),
  checks: z.array(checkStateSchema),
  /** When the open step's time was zero. */
  onStepSince: z.number(),
  /** When a check last started to pass (or the step was entered). */
  progressAt: z.number(),
  following: z.boolean(),
  /** The attendee's message counter of the last state (latency measurements use it). */
  seq: z.number().int().nonnegative(),
  joinedAt: z.number(),
  updatedAt: z.number(),
  /** Step records of every lesson the attendee played, by lesson id, then step id. */
  lessons: z.record(z.string(), z.record(z.string(), stepRecordSchema)),
});

export const roomStateSchema = z.object({
  version: z.literal(1),
  code: z.string(),
  /** The dashboard key: only the instructor's printed link has it. */
  key: z.string(),
  createdAt: z.number(),
  nextN: z.number().int().positive(),
  attendees: z.array(attendeeRecordSchema),
  /** The lessons attendees play (titles and steps), by id. */
  lessons: z.record(z.string(), lessonInfoSchema),
  /** The presenter's slide, for attendees who follow. */
  slide: slideSchema.nullable(),
});

export type AttendeeRecord = z.infer<typeof attendeeRecordSchema>;
export type RoomState = z.infer<typeof roomStateSchema>;

export function emptyRoom(code: string, key: string, now: number): RoomState {
  return {
    version: 1,
    code,
    key,
    createdAt: now,
    nextN: 1,
    attendees: [],
    lessons: {},
    slide: null,
  };
}

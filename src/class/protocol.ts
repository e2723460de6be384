/**
 * The classroom protocol: what an attendee's lab and the class server say to each other over
 * a WebSocket, one JSON object per message. Every message is validated here on arrival; a
 * malformed one is answered with an error that says what was wrong, and dropped.
 *
 * An attendee's lab sends where the learner is and how it goes: the lesson, the step, which
 * checks of the step's checkpoint fail (with their explain text), hint and solution use and
 * the time on each step. Never the shell's contents or keystrokes: nothing here can carry them.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** Lesson and step ids, attendee tokens: short, plain. */
const ident = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dots, dashes and underscores only');
const text = (max: number): z.ZodString => z.string().max(max);
const count = z.number().int().nonnegative();
/** Durations in milliseconds, at most a week (a lab left open over a weekend is still fine). */
const duration = count.max(7 * 24 * 3600 * 1000);

export const lessonInfoSchema = z.object({
  id: ident,
  title: text(200),
  steps: z
    .array(z.object({ id: ident, title: text(200), checkpoint: z.boolean() }))
    .min(1)
    .max(100),
});

export const checkStateSchema = z.object({
  name: text(100).min(1),
  ok: z.boolean(),
  /** What the learner should do when it fails (the check's explain text). */
  explain: text(500),
});

/** One step of the attendee's lesson, as far as the attendee got with it. */
export const stepRecordSchema = z.object({
  /** Time spent on the step, all visits together, up to the moment the state was sent. */
  timeMs: duration,
  /** Done: its checkpoint passed (or, without one, its quizzes were answered right). */
  passed: z.boolean(),
  /** Time on the step when it passed (unknown for a step passed in an earlier session). */
  passMs: duration.optional(),
  hints: count.max(1000),
  solution: z.boolean(),
  skipped: z.boolean(),
});

export const attendeeStateSchema = z.object({
  /** The lesson being played, null before one is open. */
  lesson: ident.nullable(),
  /** 1-based number of the open step, null between steps. */
  step: z.number().int().positive().max(100).nullable(),
  /** Time on the open step so far (durations, never clock times: clocks differ). */
  onStepMs: duration,
  /** Time since a check last started to pass, or since the step was entered. */
  sinceProgressMs: duration,
  /** The open step's latest checkpoint result, check by check. */
  checks: z.array(checkStateSchema).max(50),
  /** The lesson's steps the attendee has opened, by step id. */
  steps: z
    .record(ident, stepRecordSchema)
    .refine((r) => Object.keys(r).length <= 100, 'at most 100 steps'),
  /** Whether the attendee follows the presenter's slides. */
  following: z.boolean(),
});

export const helloSchema = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  code: text(32),
  name: text(200),
  /** The attendee's own random token: the same lab rejoining gets the same row back. */
  attendee: ident.min(8),
});

export const clientMessageSchemas = {
  hello: helloSchema,
  lesson: z.object({ type: z.literal('lesson'), lesson: lessonInfoSchema }),
  state: z.object({ type: z.literal('state'), seq: count, state: attendeeStateSchema }),
  bye: z.object({ type: z.literal('bye') }),
} as const;

export const slideSchema = z.object({ lesson: ident, step: z.number().int().positive() });

export const serverMessageSchemas = {
  welcome: z.object({
    type: z.literal('welcome'),
    /** The name the room shows: the one asked for, or it made unique. */
    name: z.string(),
    renamed: z.boolean(),
    slide: slideSchema.nullable(),
  }),
  error: z.object({
    type: z.literal('error'),
    /** In English: what an older contlab shows. */
    message: z.string(),
    /**
     * The same as a phrase of the catalogues' `classTerm.refused.*`, with plain values: the
     * attendee's lab says it in the attendee's language.
     */
    said: z
      .object({
        id: z.string().regex(/^classTerm\.refused\.[A-Za-z]+$/),
        values: z.record(z.string(), z.union([z.string().max(200), z.number()])).optional(),
      })
      .optional(),
    /** Fatal errors (wrong code, another protocol) end the connection: do not retry. */
    fatal: z.boolean(),
  }),
  slide: z.object({ type: z.literal('slide'), slide: slideSchema }),
} as const;

export type LessonInfo = z.infer<typeof lessonInfoSchema>;
export type CheckState = z.infer<typeof checkStateSchema>;
export type StepRecord = z.infer<typeof stepRecordSchema>;
export type AttendeeState = z.infer<typeof attendeeStateSchema>;
export type Slide = z.infer<typeof slideSchema>;
/** Why the server ended a connection, as a phrase (see `error.said`). */
export type ServerErrorPhrase = NonNullable<z.infer<typeof serverMessageSchemas.error>['said']>;
type Infer<T extends Record<string, z.ZodType>> = { [K in keyof T]: z.infer<T[K]> }[keyof T];
export type ClientMessage = Infer<typeof clientMessageSchemas>;
export type ServerMessage = Infer<typeof serverMessageSchemas>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

/**
 * Parses one message of the given family. The error names the message type and the field
 * that is wrong (`state: state.checks.0.ok: expected boolean`), so a sender can fix it.
 */
function parseWith<S extends Record<string, z.ZodType>>(schemas: S, raw: string): Parsed<Infer<S>> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'malformed message: not JSON' };
  }
  const type = typeof data === 'object' && data !== null && 'type' in data ? data.type : undefined;
  const known = Object.keys(schemas);
  if (typeof type !== 'string' || !known.includes(type))
    return {
      ok: false,
      error: `malformed message: unknown type ${JSON.stringify(type ?? null)} (expected ${known.join(', ')})`,
    };
  const schema = schemas[type] as z.ZodType<Infer<S>>;
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0];
  const where = issue?.path.map(String).join('.') || 'top level';
  return {
    ok: false,
    error: `malformed ${type} message: ${where}: ${issue?.message ?? 'invalid'}`,
  };
}

export const parseClientMessage = (raw: string): Parsed<ClientMessage> =>
  parseWith(clientMessageSchemas, raw);

export const parseServerMessage = (raw: string): Parsed<ServerMessage> =>
  parseWith(serverMessageSchemas, raw);

/** Names are shown on a projector: one line, no control characters, at most 40 characters. */
export function cleanName(name: string): string {
  return (
    name
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x1f\x7f-\x9f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 40)
  );
}

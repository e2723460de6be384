/**
 * The room: attendees joining (with the right code), naming (two Anas become "Ana" and
 * "Ana (2)"), reporting, dropping out and leaving. Every accepted change calls `onChange`,
 * which the server uses to update dashboards and to save the room.
 */
import { english, phrase, type Phrase } from '../i18n/phrase.js';
import { codesMatch } from './join-code.js';
import {
  PROTOCOL_VERSION,
  cleanName,
  type AttendeeState,
  type LessonInfo,
  type Slide,
} from './protocol.js';
import type { AttendeeRecord, RoomState } from './room-state.js';

export type JoinResult =
  | { ok: true; attendee: AttendeeRecord; renamed: boolean }
  /** `message` goes to the attendee (English, the protocol's); `said` to the instructor's log. */
  | { ok: false; message: string; said: Phrase };

export interface Hello {
  protocol: number;
  code: string;
  name: string;
  attendee: string;
}

export class Room {
  private readonly byToken = new Map<string, AttendeeRecord>();

  constructor(
    readonly state: RoomState,
    private readonly onChange: () => void = () => undefined,
  ) {
    for (const a of state.attendees) this.byToken.set(a.token, a);
  }

  get code(): string {
    return this.state.code;
  }

  /** Checks the code and protocol, then adds the attendee or takes their row back. */
  join(hello: Hello, now: number): JoinResult {
    if (hello.protocol !== PROTOCOL_VERSION)
      return refusal(
        phrase('classTerm.refused.protocol', {
          server: String(PROTOCOL_VERSION),
          client: String(hello.protocol),
        }),
      );
    if (!codesMatch(hello.code, this.state.code))
      return refusal(phrase('classTerm.refused.code', { code: hello.code }));
    const asked = cleanName(hello.name) || 'attendee';
    let attendee = this.byToken.get(hello.attendee);
    if (attendee === undefined) {
      attendee = {
        token: hello.attendee,
        n: this.state.nextN++,
        name: this.uniqueName(asked, undefined),
        asked,
        status: 'online',
        lesson: null,
        step: null,
        checks: [],
        onStepSince: now,
        progressAt: now,
        following: true,
        seq: 0,
        joinedAt: now,
        updatedAt: now,
        lessons: {},
      };
      this.state.attendees.push(attendee);
      this.byToken.set(attendee.token, attendee);
    } else if (attendee.asked !== asked) {
      attendee.asked = asked;
      attendee.name = this.uniqueName(asked, attendee);
    }
    attendee.status = 'online';
    attendee.updatedAt = now;
    this.onChange();
    return { ok: true, attendee, renamed: attendee.name !== asked };
  }

  lesson(info: LessonInfo): void {
    this.state.lessons[info.id] = info;
    this.onChange();
  }

  report(attendee: AttendeeRecord, seq: number, s: AttendeeState, now: number): void {
    const stepChanged = attendee.lesson !== s.lesson || attendee.step !== s.step;
    attendee.lesson = s.lesson;
    attendee.step = s.step;
    attendee.checks = s.checks;
    attendee.following = s.following;
    attendee.seq = seq;
    attendee.updatedAt = now;
    // Durations become server times; small differences (transit) are not worth a change.
    const onStepSince = now - s.onStepMs;
    if (stepChanged || Math.abs(onStepSince - attendee.onStepSince) > 1000)
      attendee.onStepSince = onStepSince;
    const progressAt = now - s.sinceProgressMs;
    if (stepChanged || Math.abs(progressAt - attendee.progressAt) > 1000)
      attendee.progressAt = progressAt;
    if (s.lesson !== null) attendee.lessons[s.lesson] = s.steps;
    this.onChange();
  }

  /** The connection dropped: the lab keeps working and will rejoin. */
  away(attendee: AttendeeRecord, now: number): void {
    if (attendee.status !== 'online') return;
    attendee.status = 'away';
    attendee.updatedAt = now;
    this.onChange();
  }

  /** The attendee left on purpose: the row stays (their work counts), marked as left. */
  leave(attendee: AttendeeRecord, now: number): void {
    attendee.status = 'left';
    attendee.updatedAt = now;
    this.onChange();
  }

  setSlide(slide: Slide | null): void {
    this.state.slide = slide;
    this.onChange();
  }

  /** The attendees who were online when the server stopped are away until they rejoin. */
  markAllAway(now: number): void {
    for (const a of this.state.attendees) if (a.status === 'online') this.away(a, now);
  }

  private uniqueName(asked: string, self: AttendeeRecord | undefined): string {
    const taken = new Set(
      this.state.attendees.filter((a) => a !== self).map((a) => a.name.toLowerCase()),
    );
    if (!taken.has(asked.toLowerCase())) return asked;
    for (let i = 2; ; i++) {
      const name = `${asked} (${i})`;
      if (!taken.has(name.toLowerCase())) return name;
    }
  }
}

function refusal(said: Phrase): JoinResult {
  return { ok: false, message: english(said), said };
}

/**
 * The dashboard's arithmetic on a fixed room: stuck only on a step with a checkpoint and only
 * while online, who counts as "here", pass rates over those who reached a step, medians of
 * the timed passes, and the check most attendees on one step fail right now.
 */
import { describe, expect, it } from '@jest/globals';
import type { StepRecord } from '../../src/class/protocol.js';
import { emptyRoom, type AttendeeRecord } from '../../src/class/room-state.js';
import { median, roomView } from '../../src/class/room-view.js';

const NOW = 10_000_000;
const MIN = 60_000;

function record(passed: boolean, passMs?: number): StepRecord {
  return { timeMs: 1000, passed, passMs, hints: 1, solution: false, skipped: false };
}

let n = 0;
function attendee(patch: Partial<AttendeeRecord>): AttendeeRecord {
  n++;
  return {
    token: `token-${n}`,
    n,
    name: `a${n}`,
    asked: `a${n}`,
    status: 'online',
    lesson: 'l',
    step: 1,
    checks: [],
    onStepSince: NOW - MIN,
    progressAt: NOW - MIN,
    following: true,
    seq: 1,
    joinedAt: 0,
    updatedAt: NOW,
    lessons: {},
    ...patch,
  };
}

describe('roomView', () => {
  it('computes stuck, here, pass rates, medians and the most failed check', () => {
    const room = emptyRoom('CODE', 'key', 0);
    room.lessons.l = {
      id: 'l',
      title: 'L',
      steps: [
        { id: 's1', title: 'one', checkpoint: true },
        { id: 's2', title: 'two', checkpoint: true },
        { id: 's3', title: 'read', checkpoint: false },
      ],
    };
    const fail = (name: string) => ({ name, ok: false, explain: `fix ${name}` });
    room.attendees.push(
      // stuck: online, on a checkpoint step not passed, no progress for 10 minutes
      attendee({
        progressAt: NOW - 10 * MIN,
        checks: [fail('x'), fail('y')],
        lessons: { l: { s1: record(false) } },
      }),
      // not stuck: progress 1 minute ago
      attendee({ checks: [fail('x')], lessons: { l: { s1: record(false) } } }),
      // not stuck: away (their lab may well be working)
      attendee({
        status: 'away',
        progressAt: 0,
        checks: [fail('x')],
        lessons: { l: { s1: record(false) } },
      }),
      // on step 2 after passing step 1 in 40 s
      attendee({
        step: 2,
        progressAt: 0,
        checks: [fail('z')],
        lessons: { l: { s1: record(true, 40_000), s2: record(false) } },
      }),
      // left on step 2, step 1 passed in 60 s (an earlier session's pass has no time)
      attendee({
        status: 'left',
        step: 2,
        checks: [fail('z')],
        lessons: { l: { s1: record(true, 60_000), s2: record(false) } },
      }),
      // a step without a checkpoint is never "stuck"
      attendee({
        step: 3,
        progressAt: 0,
        lessons: { l: { s1: record(true), s2: record(true, 5_000), s3: record(false) } },
      }),
    );
    const v = roomView(room, NOW, 5);
    expect(v.counts).toEqual({ attendees: 6, online: 4, away: 1, left: 1, stuck: 2, following: 4 });
    expect(v.attendees.filter((a) => a.stuck).map((a) => a.name)).toEqual(['a1', 'a4']);
    const [s1, s2, s3] = v.lessons[0]?.steps ?? [];
    expect(s1).toMatchObject({ here: 3, reached: 6, passed: 3, medianMs: 50_000 });
    expect(s1?.passRate).toBeCloseTo(0.5);
    expect(s2).toMatchObject({ here: 1, reached: 3, passed: 1, medianMs: 5_000, hints: 3 });
    expect(s3).toMatchObject({ here: 1, reached: 1, passed: 0, passRate: 0, medianMs: null });
    // x: 3 of the 3 on step 1 (the away attendee counts, the left one does not)
    expect(v.mostFailed).toMatchObject({ step: 1, check: 'x', explain: 'fix x', count: 3, of: 3 });
    expect(v.attendees.find((a) => a.name === 'a4')).toMatchObject({ passed: 1, onStepMs: MIN });
  });

  it('takes the middle of an odd list and the mean of the middle two of an even one', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

/**
 * What the instructor's dashboards show, computed from the room: who is on which step, who
 * is stuck (no check started to pass for N minutes on a step with a checkpoint), the check
 * the room fails most right now, and per step: how many reached it, passed it, and the
 * median time it took them. The web page and the terminal class view only render this.
 */
import type { LessonInfo } from './protocol.js';
import type { AttendeeRecord, RoomState } from './room-state.js';
import type {
  AttendeeRow,
  FailedCheck,
  LessonStats,
  RoomView,
  StepStats,
} from './room-view-schema.js';

export type { AttendeeRow, FailedCheck, LessonStats, RoomView, StepStats };

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function rowOf(
  a: AttendeeRecord,
  lessons: RoomState['lessons'],
  now: number,
  stuckMs: number,
): AttendeeRow {
  const info: LessonInfo | undefined = a.lesson === null ? undefined : lessons[a.lesson];
  const records = a.lesson === null ? {} : (a.lessons[a.lesson] ?? {});
  const stepInfo = a.step === null ? undefined : info?.steps[a.step - 1];
  const open = stepInfo === undefined ? undefined : records[stepInfo.id];
  const stepPassed = open?.passed === true;
  const idleMs = Math.max(0, now - a.progressAt);
  const all = Object.values(records);
  return {
    n: a.n,
    name: a.name,
    status: a.status,
    lesson: a.lesson,
    lessonTitle: info?.title ?? null,
    step: a.step,
    stepTitle: stepInfo?.title ?? null,
    steps: info?.steps.length ?? 0,
    passed: all.filter((r) => r.passed).length,
    stepPassed,
    onStepMs: a.step === null ? 0 : Math.max(0, now - a.onStepSince),
    idleMs,
    stuck:
      a.status === 'online' && stepInfo?.checkpoint === true && !stepPassed && idleMs >= stuckMs,
    failing: stepPassed ? [] : a.checks.filter((c) => !c.ok),
    hints: all.reduce((sum, r) => sum + r.hints, 0),
    solutions: all.filter((r) => r.solution).length,
    following: a.following,
    seq: a.seq,
  };
}

function lessonStats(info: LessonInfo, room: RoomState): LessonStats {
  const players = room.attendees.filter((a) => a.lessons[info.id] !== undefined);
  const present = room.attendees.filter((a) => a.status !== 'left' && a.lesson === info.id);
  const steps = info.steps.map((s, i): StepStats => {
    const records = players.flatMap((a) => {
      const r = a.lessons[info.id]?.[s.id];
      return r === undefined ? [] : [r];
    });
    const passed = records.filter((r) => r.passed);
    const times = passed.flatMap((r) => (r.passMs === undefined ? [] : [r.passMs]));
    return {
      number: i + 1,
      id: s.id,
      title: s.title,
      checkpoint: s.checkpoint,
      here: present.filter((a) => a.step === i + 1).length,
      reached: records.length,
      passed: passed.length,
      passRate: records.length === 0 ? null : passed.length / records.length,
      medianMs: median(times),
      hints: records.reduce((sum, r) => sum + r.hints, 0),
      solutions: records.filter((r) => r.solution).length,
    };
  });
  return { id: info.id, title: info.title, attendees: present.length, steps };
}

/** The check most attendees currently fail, among those on a step and not past it. */
function mostFailed(rows: AttendeeRow[]): FailedCheck | null {
  const tally = new Map<string, FailedCheck>();
  const onStep = new Map<string, number>();
  for (const r of rows) {
    if (r.status === 'left' || r.lesson === null || r.step === null) continue;
    const stepKey = `${r.lesson}\n${r.step}`;
    onStep.set(stepKey, (onStep.get(stepKey) ?? 0) + 1);
    for (const c of r.failing) {
      const key = `${stepKey}\n${c.name}`;
      const entry = tally.get(key) ?? {
        lesson: r.lesson,
        step: r.step,
        stepTitle: r.stepTitle ?? '',
        check: c.name,
        explain: c.explain,
        count: 0,
        of: 0,
      };
      entry.count++;
      tally.set(key, entry);
    }
  }
  let best: FailedCheck | null = null;
  for (const e of tally.values()) {
    e.of = onStep.get(`${e.lesson}\n${e.step}`) ?? e.count;
    if (best === null || e.count > best.count) best = e;
  }
  return best;
}

export function roomView(room: RoomState, now: number, stuckMinutes: number): RoomView {
  const stuckMs = stuckMinutes * 60_000;
  const attendees = room.attendees
    .map((a) => rowOf(a, room.lessons, now, stuckMs))
    .sort((a, b) => a.name.localeCompare(b.name) || a.n - b.n);
  const lessons = Object.values(room.lessons)
    .filter((l) => room.attendees.some((a) => a.lessons[l.id] !== undefined || a.lesson === l.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((l) => lessonStats(l, room));
  const count = (s: AttendeeRecord['status']): number =>
    attendees.filter((a) => a.status === s).length;
  return {
    now,
    stuckMinutes,
    counts: {
      attendees: attendees.length,
      online: count('online'),
      away: count('away'),
      left: count('left'),
      stuck: attendees.filter((a) => a.stuck).length,
      following: attendees.filter((a) => a.status === 'online' && a.following).length,
    },
    attendees,
    lessons,
    mostFailed: mostFailed(attendees),
    slide: room.slide,
  };
}

/**
 * The room in plain text cells, for the terminal class view (and anything else that prints
 * it): durations as "3m 05s", pass rates as "67%", who is stuck, the failing check.
 */
import type { AttendeeRow, LessonStats, RoomView } from './room-view-schema.js';

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function percent(rate: number | null): string {
  return rate === null ? '-' : `${Math.round(rate * 100)}%`;
}

export function countsLine(view: RoomView): string {
  const c = view.counts;
  return `${c.online} online · ${c.away} away · ${c.left} left · ${c.stuck} stuck (no check started to pass for ${view.stuckMinutes} min)`;
}

export function mostFailedLines(view: RoomView): string[] {
  const f = view.mostFailed;
  if (f === null) return ['Nobody fails a check right now.'];
  return [
    `Fails most: ${f.check} (lesson ${f.lesson}, step ${f.step} ${f.stepTitle}): ${f.count} of the ${f.of} on that step`,
    `  ${f.explain}`,
  ];
}

export const ATTENDEE_HEADERS = ['NAME', 'STEP', 'ON STEP', 'DONE', 'FAILING NOW'];

export function attendeeCells(a: AttendeeRow): string[] {
  const mark = a.stuck ? ' STUCK' : a.status === 'online' ? '' : ` (${a.status})`;
  const step =
    a.step === null ? '-' : `${a.lesson ?? '?'} ${a.step}/${a.steps}${a.stepPassed ? ' ✓' : ''}`;
  return [
    `${a.name}${mark}`,
    step,
    a.step === null || a.status === 'left' ? '-' : duration(a.onStepMs),
    `${a.passed}/${a.steps}`,
    a.failing.map((c) => c.name).join(', '),
  ];
}

export const STEP_HEADERS = ['STEP', 'HERE', 'PASSED', 'RATE', 'MEDIAN'];

export function stepRows(lesson: LessonStats): string[][] {
  return [
    [`${lesson.id}: ${lesson.attendees} here`, '', '', '', ''],
    ...lesson.steps.map((s) => [
      `${s.number} ${s.title}`,
      String(s.here),
      `${s.passed}/${s.reached}`,
      percent(s.passRate),
      duration(s.medianMs),
    ]),
  ];
}

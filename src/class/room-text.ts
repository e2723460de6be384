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
  const slide =
    view.slide === null
      ? ''
      : ` · presenter: ${view.slide.lesson} step ${view.slide.step}, ${c.following} following`;
  return `${c.online} online · ${c.away} away · ${c.left} left · ${c.stuck} stuck (no check started to pass for ${view.stuckMinutes} min)${slide}`;
}

export function mostFailedLines(view: RoomView): string[] {
  const f = view.mostFailed;
  if (f === null) return ['Nobody fails a check right now.'];
  return [
    `Fails most: ${f.check} (lesson ${f.lesson}, step ${f.step} ${f.stepTitle}): ${f.count} of the ${f.of} on that step`,
    `  ${f.explain}`,
  ];
}

/** The attendee table's columns: all of them, or (narrow) name, step, time and failures. */
export function attendeeHeaders(narrow: boolean): string[] {
  return narrow
    ? ['NAME', 'STEP', 'ON STEP', 'FAILING NOW']
    : ['NAME', 'LESSON', 'STEP', 'ON STEP', 'DONE', 'FAILING NOW'];
}

export function attendeeCells(a: AttendeeRow, narrow: boolean): string[] {
  const mark = a.stuck ? ' STUCK' : a.status === 'online' ? '' : ` (${a.status})`;
  const step = a.step === null ? '-' : `${a.step}/${a.steps}${a.stepPassed ? ' ✓' : ''}`;
  const onStep = a.step === null || a.status === 'left' ? '-' : duration(a.onStepMs);
  const failing = a.failing.map((c) => c.name).join(', ');
  return narrow
    ? [`${a.name}${mark}`, step, onStep, failing]
    : [`${a.name}${mark}`, a.lesson ?? '-', step, onStep, `${a.passed}/${a.steps}`, failing];
}

/** The steps table's columns: all of them, or (narrow) the step, passed of reached, median. */
export function stepHeaders(narrow: boolean): string[] {
  return narrow ? ['STEP', 'PASSED', 'MEDIAN'] : ['STEP', 'HERE', 'PASSED', 'RATE', 'MEDIAN'];
}

export function stepRows(lesson: LessonStats, narrow: boolean): string[][] {
  const head = `${lesson.id}: ${lesson.attendees} here`;
  return [
    narrow ? [head, '', ''] : [head, '', '', '', ''],
    ...lesson.steps.map((s) => {
      const title = `${s.number} ${s.title}`;
      const passed = `${s.passed}/${s.reached}`;
      const time = duration(s.medianMs);
      return narrow
        ? [title, passed, time]
        : [title, String(s.here), passed, percent(s.passRate), time];
    }),
  ];
}

/**
 * The room in plain text cells, for the terminal class view (and anything else that prints
 * it): durations as "3m 05s", pass rates as "67%", who is stuck, the failing check. Said in
 * the language contlab speaks (the instructor's); names, lesson ids and what the attendees'
 * labs report (step titles, check names and explanations) are shown as they came.
 */
import { t } from '../i18n/messages.js';
import { language } from '../i18n/current.js';
import type { AttendeeRow, LessonStats, RoomView } from './room-view-schema.js';

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return t('class.duration.s', { s });
  const m = Math.floor(s / 60);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (m < 60) return t('class.duration.ms', { m, s: two(s % 60) });
  return t('class.duration.hm', { h: Math.floor(m / 60), m: two(m % 60) });
}

export function percent(rate: number | null): string {
  return rate === null ? '-' : `${Math.round(rate * 100)}%`;
}

export function countsLine(view: RoomView): string {
  const c = view.counts;
  const counts = t('class.counts', {
    online: c.online,
    away: c.away,
    left: c.left,
    stuck: c.stuck,
    minutes: view.stuckMinutes,
  });
  if (view.slide === null) return counts;
  const slide = t('class.slide', {
    lesson: view.slide.lesson,
    step: view.slide.step,
    following: c.following,
  });
  return `${counts} · ${slide}`;
}

export function mostFailedLines(view: RoomView): string[] {
  const f = view.mostFailed;
  if (f === null) return [t('class.nobodyFails')];
  const values = { check: f.check, lesson: f.lesson, step: f.step, title: f.stepTitle };
  return [t('class.failsMost', { ...values, count: f.count, of: f.of }), `  ${f.explain}`];
}

/** A column's title: the web page's word, in capitals where the script has them. */
const header = (id: string): string => t(`class.col.${id}`).toLocaleUpperCase(language());

/** The attendee table's columns: all of them, or (narrow) name, step, time and failures. */
export function attendeeHeaders(narrow: boolean): string[] {
  const ids = narrow
    ? ['name', 'step', 'onStep', 'failing']
    : ['name', 'lesson', 'step', 'onStep', 'done', 'failing'];
  return ids.map(header);
}

export function attendeeCells(a: AttendeeRow, narrow: boolean): string[] {
  const mark = a.stuck
    ? ` ${t('class.status.stuck').toLocaleUpperCase(language())}`
    : a.status === 'online'
      ? ''
      : ` (${t(`class.status.${a.status}`)})`;
  const step = a.step === null ? '-' : `${a.step}/${a.steps}${a.stepPassed ? ' ✓' : ''}`;
  const onStep = a.step === null || a.status === 'left' ? '-' : duration(a.onStepMs);
  const failing = a.failing.map((c) => c.name).join(', ');
  return narrow
    ? [`${a.name}${mark}`, step, onStep, failing]
    : [`${a.name}${mark}`, a.lesson ?? '-', step, onStep, `${a.passed}/${a.steps}`, failing];
}

/** The steps table's columns: all of them, or (narrow) the step, passed of reached, median. */
export function stepHeaders(narrow: boolean): string[] {
  const ids = narrow ? ['step', 'passed', 'median'] : ['step', 'here', 'passed', 'rate', 'median'];
  return ids.map(header);
}

export function stepRows(lesson: LessonStats, narrow: boolean): string[][] {
  const head = t('class.lessonHere', { lesson: lesson.id, count: lesson.attendees });
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

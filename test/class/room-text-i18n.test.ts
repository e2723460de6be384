/**
 * The class dashboard in the instructor's language: the room text (counts, the check the
 * room fails most, column headings, durations) in zh, ru and id, English as it was; the
 * terminal class view's rows laid out by terminal cells, so a Chinese name or heading
 * keeps every column after it in line; and a check reported in the attendee's language.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  attendeeCells,
  attendeeHeaders,
  countsLine,
  duration,
  mostFailedLines,
  stepHeaders,
  stepRows,
} from '../../src/class/room-text.js';
import { checkStates } from '../../src/class/reporter.js';
import type { AttendeeRow, RoomView } from '../../src/class/room-view-schema.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { phrase } from '../../src/i18n/phrase.js';
import type { Check } from '../../src/lessons/checks/types.js';
import cellWidth from '../../src/ui/text/cell-width.js';
import { columnWidths, tableRow } from '../../src/ui/monitor/cell-table.js';

afterEach(() => setLanguage('en'));

function row(patch: Partial<AttendeeRow>): AttendeeRow {
  return {
    n: 1,
    name: 'ann',
    status: 'online',
    lesson: 'process',
    lessonTitle: 'A container is a process',
    step: 1,
    stepTitle: 'Start a tiny container',
    steps: 3,
    passed: 0,
    stepPassed: false,
    onStepMs: 185_000,
    idleMs: 0,
    stuck: false,
    failing: [],
    hints: 0,
    solutions: 0,
    following: true,
    seq: 1,
    ...patch,
  };
}

const running = { name: 'running', ok: false, explain: 'start sleep 3600 with unshare' };
const view: RoomView = {
  now: 0,
  stuckMinutes: 5,
  counts: { attendees: 3, online: 2, away: 1, left: 0, stuck: 1, following: 2 },
  attendees: [
    row({ name: '张伟', stuck: true, failing: [running] }),
    row({ n: 2, name: 'ann', status: 'away', step: 2, stepPassed: true, passed: 1 }),
  ],
  lessons: [
    {
      id: 'process',
      title: 'A container is a process',
      attendees: 2,
      steps: [
        {
          number: 1,
          id: 'start',
          title: 'Start a tiny container',
          checkpoint: true,
          here: 1,
          reached: 2,
          passed: 1,
          passRate: 0.5,
          medianMs: 65_000,
          hints: 0,
          solutions: 0,
        },
      ],
    },
  ],
  mostFailed: {
    lesson: 'process',
    step: 1,
    stepTitle: 'Start a tiny container',
    check: 'running',
    explain: 'start sleep 3600 with unshare',
    count: 1,
    of: 2,
  },
  slide: { lesson: 'process', step: 1 },
};

/** Everything the terminal class view prints, one string. */
function allText(): string {
  return [
    countsLine(view),
    ...mostFailedLines(view),
    ...attendeeHeaders(false),
    ...view.attendees.flatMap((a) => attendeeCells(a, false)),
    ...stepHeaders(false),
    ...view.lessons.flatMap((l) => stepRows(l, false)).flat(),
  ].join('\n');
}

describe('the room text', () => {
  it('is the English it was', () => {
    expect(countsLine(view)).toBe(
      '2 online · 1 away · 0 left · 1 stuck (no check started to pass for 5 min) · presenter: process step 1, 2 following',
    );
    expect(mostFailedLines(view)).toEqual([
      'Fails most: running (lesson process, step 1 Start a tiny container): 1 of the 2 on that step',
      '  start sleep 3600 with unshare',
    ]);
    expect(mostFailedLines({ ...view, mostFailed: null })).toEqual([
      'Nobody fails a check right now.',
    ]);
    expect(attendeeHeaders(false)).toEqual([
      'NAME',
      'LESSON',
      'STEP',
      'ON STEP',
      'DONE',
      'FAILING NOW',
    ]);
    expect(attendeeHeaders(true)).toEqual(['NAME', 'STEP', 'ON STEP', 'FAILING NOW']);
    expect(stepHeaders(false)).toEqual(['STEP', 'HERE', 'PASSED', 'RATE', 'MEDIAN']);
    expect(stepHeaders(true)).toEqual(['STEP', 'PASSED', 'MEDIAN']);
    expect(view.attendees.map((a) => attendeeCells(a, false))).toEqual([
      ['张伟 STUCK', 'process', '1/3', '3m 05s', '0/3', 'running'],
      ['ann (away)', 'process', '2/3 ✓', '3m 05s', '1/3', ''],
    ]);
    expect(stepRows(view.lessons[0]!, false)).toEqual([
      ['process: 2 here', '', '', '', ''],
      ['1 Start a tiny container', '1', '1/2', '50%', '1m 05s'],
    ]);
    expect([duration(9_000), duration(3_725_000), duration(null)]).toEqual(['9s', '1h 02m', '-']);
  });

  it.each([
    [
      'zh',
      [
        '2 在线',
        '1 离线',
        '卡住',
        '演示者',
        '失败最多：running',
        '姓名',
        '步骤',
        '本步用时',
        '3分05秒',
        '1分05秒',
        '通过率',
        '2 人在此',
      ],
    ],
    [
      'ru',
      [
        '2 в сети',
        '1 не в сети',
        'без прогресса',
        'докладчик',
        'Чаще всего не проходит: running',
        'ИМЯ',
        'ШАГ',
        'НА ШАГЕ',
        '3м 05с',
        'БЕЗ ПРОГРЕССА',
        'МЕДИАНА',
        'здесь 2',
      ],
    ],
    [
      'id',
      [
        '2 daring',
        '1 terputus',
        'macet',
        'penyaji',
        'Paling sering gagal: running',
        'NAMA',
        'LANGKAH',
        'DI LANGKAH',
        '3m 05d',
        'MACET',
        'LULUS',
        '2 di sini',
      ],
    ],
  ])('is said in %s, with the attendees\u2019 own words as they came', (lang, words) => {
    setLanguage(lang);
    const text = allText();
    for (const w of words) expect(text).toContain(w);
    // The dashboard's English words are gone; names, ids and the lab's report stay.
    expect(text.match(/\b(?:online|away|stuck|STUCK|NAME|Fails most|here|LESSON)\b/g)).toBeNull();
    expect(text).toContain('张伟');
    expect(text).toContain('start sleep 3600 with unshare');
  });
});

/** The cells `row` puts in each column: its text cut at the columns' cell offsets. */
function byCells(line: string, widths: number[]): string[] {
  const out: string[] = [];
  let cell = '';
  let used = 0;
  let col = 0;
  for (const ch of line) {
    const limit = (widths[col] ?? Infinity) + (col < widths.length - 1 ? 1 : 0);
    if (used + cellWidth(ch) > limit) {
      out.push(cell);
      cell = '';
      used = 0;
      col++;
    }
    cell += ch;
    used += cellWidth(ch);
  }
  out.push(cell);
  return out;
}

describe('the class view’s table, by terminal cells', () => {
  it('keeps every column in line after Chinese names and headings', () => {
    setLanguage('zh');
    const headers = attendeeHeaders(false);
    const widths = columnWidths(90, [16, 11, 7, 8, 6], headers);
    // A heading wider than its column's usual width widens it (已完成: 6 cells).
    expect(widths.slice(0, 5)).toEqual([16, 11, 7, 8, 6]);
    const rows = [headers, ...view.attendees.map((a) => attendeeCells(a, false))];
    const lines = rows.map((r) => tableRow(r, widths));
    lines.forEach((line, i) => {
      const cells = byCells(line, widths);
      // Each column starts at the same cell in every row and holds that row's cell.
      const want = rows[i]!.map((c) => c.trim());
      while (want.at(-1) === '') want.pop();
      expect(cells.map((c) => c.trim())).toEqual(want);
      for (const [j, c] of cells.slice(0, -1).entries())
        expect(cellWidth(c)).toBe((widths[j] ?? 0) + 1);
    });
    expect(lines[1]).toContain('张伟 卡住');
  });

  it('cuts a long Chinese name by cells, ending in …, and widens columns to their heading', () => {
    const widths = columnWidths(60, [8, 4], ['名字', '本步用时']);
    expect(widths).toEqual([8, 8, 60 - 8 - 8 - 3]);
    const line = tableRow(['张伟张伟张伟张伟张伟', '3分05秒', 'x'], widths);
    const [name, time] = byCells(line, widths);
    expect(name).toBe('张伟张…  ');
    expect(cellWidth(name ?? '')).toBe(9);
    expect(time).toBe('3分05秒  ');
  });
});

describe('a check the attendee reports', () => {
  const unnamed = {
    check: { kind: 'process', pos: { line: 12, col: 1 } } as unknown as Check,
    ok: false,
    saw: 'no such process in the lab',
    expected: 'a process matching /sleep/ in the lab',
    said: {
      saw: phrase('check.noProcess', { where: phrase('check.where.lab') }),
      expected: phrase('check.matching', { match: 'sleep', where: phrase('check.where.lab') }),
    },
  };

  it('is labelled and explained in one language, the attendee\u2019s', () => {
    expect(checkStates({ ok: false, results: [unnamed] })).toEqual([
      {
        name: 'process check (line 12)',
        ok: false,
        explain: 'expected a process matching /sleep/ in the lab',
      },
    ]);
    setLanguage('ru');
    const [ru] = checkStates({ ok: false, results: [unnamed] });
    expect(ru?.explain).toMatch(/^ожидалось: /);
    expect(ru?.explain).not.toMatch(/expected|in the lab/);
    expect(ru?.name).not.toMatch(/check \(line/);
  });
});

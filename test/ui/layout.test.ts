/** Where things go on the screen, at the sizes learners have: layouts, the title bar, footers. */
import { describe, expect, test } from '@jest/globals';
import { frameSize, isTooSmall, playerLayout } from '../../src/ui/app/layout.js';
import { formatBytes, gauge, sparkline } from '../../src/ui/format/units.js';
import { footerHints } from '../../src/ui/keys/bindings.js';
import { ruleLine } from '../../src/ui/components/LessonPane.js';
import { visibleRange } from '../../src/ui/screens/HomeScreen.js';
import { lineText, lineWidth, seg } from '../../src/ui/text/styled.js';
import { footerLine, titleLine } from '../../src/ui/views/frame.js';

const SIZES = [
  [80, 24],
  [100, 30],
  [120, 36],
  [160, 50],
] as const;

describe('frame', () => {
  test('80x24 is the minimum; the frame is one row less than the window', () => {
    expect(isTooSmall(79, 24)).toBe(true);
    expect(isTooSmall(80, 24)).toBe(false);
    expect(frameSize(80, 24)).toEqual({ cols: 80, rows: 23, bodyRows: 21 });
  });

  test('the title bar spans the width: the title cut first, the status kept', () => {
    for (const [cols] of SIZES) {
      const line = titleLine(
        [seg('contlab  A rather long lesson title that goes on and on')],
        [seg('step 3/12 ✓✓✓·········')],
        cols,
      );
      expect(lineWidth(line)).toBe(cols);
      expect(lineText(line)).toContain('step 3/12 ✓✓✓·········');
      expect(lineText(line).startsWith(' contlab')).toBe(true);
    }
  });

  test('the footer fits; when it must drop keys, help and quit stay, and a notice shows', () => {
    const hints = footerHints('player-shell');
    for (const [cols] of SIZES) {
      const line = lineText(footerLine(hints, cols, 'ran command 2', 'Ctrl-T'));
      expect(line.length).toBeLessThanOrEqual(cols);
      expect(line).toMatch(/^Ctrl-T \+ {2}c check/);
      expect(line).toContain('? keys');
      expect(line).toContain('q quit');
      expect(line).toMatch(/ran command 2$/);
    }
  });
});

describe('the player', () => {
  test('small: lesson and shell side by side, the panels in the lesson’s place on demand', () => {
    for (const [cols, rows] of [
      [80, 24],
      [100, 30],
    ] as const) {
      const body = frameSize(cols, rows).bodyRows;
      const l = playerLayout(cols, rows, false);
      expect(l).toMatchObject({ wide: false, leftShows: 'lesson', panels: undefined });
      expect(l.left.width + l.shell.width).toBe(cols);
      expect([l.left.height, l.shell.height]).toEqual([body, body]);
      expect(l.shell.width).toBeGreaterThanOrEqual(46);
      const p = playerLayout(cols, rows, true);
      expect(p.leftShows).toBe('panels');
      expect(p.left.width + p.shell.width).toBe(cols);
    }
  });

  test('wide (120x36 and up): lesson, shell and panels all show', () => {
    for (const [cols, rows] of [
      [120, 36],
      [160, 50],
    ] as const) {
      const body = frameSize(cols, rows).bodyRows;
      const l = playerLayout(cols, rows, true);
      expect(l.wide).toBe(true);
      expect(l.left.width + l.shell.width).toBe(cols);
      expect(l.shell.height + (l.panels?.height ?? 0)).toBe(body);
      expect(l.panels?.height).toBeGreaterThanOrEqual(10);
      expect(playerLayout(cols, rows, false).shell.height).toBe(body);
    }
  });

  test('the rule under the lesson says what is out of view, and fits its width', () => {
    for (const width of [16, 20, 30, 45, 61]) {
      const line = lineText(ruleLine(width, 120, 1234, 'Ctrl-T ↑↓'));
      expect(line).toHaveLength(width);
      expect(line).toMatch(/^── ↑ ?120 +↓ ?1234/);
    }
    expect(lineText(ruleLine(40, 0, 3, 'Ctrl-T ↑↓'))).toBe(
      `── ↓ 3 more (Ctrl-T ↑↓) ${'─'.repeat(16)}`,
    );
    expect(lineText(ruleLine(10, 0, 0, 'x'))).toBe('─'.repeat(10));
  });

  test('the home list keeps the selected lesson in view', () => {
    expect(visibleRange(0, 12, 18)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(visibleRange(11, 12, 18)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(visibleRange(1, 2, 18)).toEqual([0, 1]);
  });

  test('sizes, gauges and sparklines', () => {
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(gauge(0.5, 12)).toBe('[█████░░░░░]');
    expect(sparkline([0, 4, 8], 3, 8)).toBe('▁▄█');
  });
});

/**
 * Table rows laid out by terminal cells. blessed-contrib's table pads and cuts its cells by
 * string length, so every column after a Chinese name would slide right (each character
 * takes two cells but counts one). The class view lays its rows out here instead and hands
 * them to the table's list as they are.
 */
import cellWidth from '../text/cell-width.js';
import { fitLine, lineText, seg } from '../text/styled.js';

/**
 * Column widths in cells that fill `width`: the fixed ones as given but at least as wide as
 * their heading; the one left undefined (or, when none is, an extra last one) takes the rest.
 */
export function columnWidths(
  width: number,
  fixed: readonly (number | undefined)[],
  headers: readonly string[],
): number[] {
  const cols = fixed.includes(undefined) ? [...fixed] : [...fixed, undefined];
  const wanted = cols.map((w, i) =>
    w === undefined ? undefined : Math.max(w, cellWidth(headers[i] ?? '')),
  );
  const used = wanted.reduce<number>((sum, w) => sum + (w ?? 0) + 1, 0);
  return wanted.map((w) => w ?? Math.max(6, width - used));
}

/**
 * One row: each cell cut to its column's cells (ending in …) or padded to them, a space
 * between columns; control characters made visible (names come from attendees).
 */
export function tableRow(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => {
      const w = widths[i];
      return w === undefined ? cell : lineText(fitLine([seg(cell)], w, true));
    })
    .join(' ')
    .trimEnd();
}

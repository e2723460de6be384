/**
 * A GFM table laid out in box-drawing characters, its cells wrapped to fit the width. Where
 * it is narrow, the cells lose their padding and long words are cut; a table too wide even
 * then is shown as records ("Header: value" per cell, one block per row).
 */
import { seg, widthOf, type Line, type Segment } from '../text/styled.js';
import { longestUnbreakable, wrap } from '../text/wrap.js';

export type Align = 'left' | 'right' | 'center' | null;

export interface TableCells {
  /** The first row is the header. */
  rows: Segment[][][];
  align: Align[];
}

/**
 * How narrow the table may get, tried in order: with padding in the cells and a column as
 * wide as its longest word (up to 12 cells; longer words are cut), then without padding,
 * then with columns down to 10 and 8 cells.
 */
const FITS = [
  { pad: true, cap: 12 },
  { pad: false, cap: 12 },
  { pad: false, cap: 10 },
  { pad: false, cap: 8 },
] as const;

function naturalWidth(cell: Segment[]): number {
  return widthOf(cell.map((s) => s.text).join(''));
}

function longestWord(cell: Segment[]): number {
  return Math.max(1, longestUnbreakable(cell.map((s) => s.text).join('')));
}

/**
 * Column widths that fit `room` cells of content, none narrower than its longest word (or
 * `cap`), or undefined when they cannot.
 */
function columnWidths(rows: Segment[][][], room: number, cap = 12): number[] | undefined {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const natural = Array.from({ length: columns }, (_, c) =>
    Math.max(1, ...rows.map((r) => naturalWidth(r[c] ?? []))),
  );
  if (natural.reduce((a, b) => a + b, 0) <= room) return natural;
  const min = natural.map((n, c) => {
    const word = Math.max(...rows.map((r) => longestWord(r[c] ?? [])));
    return Math.min(n, Math.max(3, Math.min(cap, word)));
  });
  const minTotal = min.reduce((a, b) => a + b, 0);
  if (minTotal > room) return undefined;
  // What is left goes to the columns that want more, in proportion to how much more.
  const want = natural.map((n, c) => n - (min[c] ?? 0));
  const wantTotal = want.reduce((a, b) => a + b, 0);
  const spare = room - minTotal;
  const widths = min.map((m, c) => m + Math.floor(((want[c] ?? 0) * spare) / wantTotal));
  let left = room - widths.reduce((a, b) => a + b, 0);
  for (let c = 0; left > 0 && c < widths.length; c = (c + 1) % widths.length) {
    if ((widths[c] ?? 0) < (natural[c] ?? 0)) {
      widths[c] = (widths[c] ?? 0) + 1;
      left--;
    } else if (widths.every((w, i) => w >= (natural[i] ?? 0))) break;
  }
  return widths;
}

function padCell(line: Line, width: number, align: Align): Line {
  const used = line.reduce((n, s) => n + widthOf(s.text), 0);
  const gap = Math.max(0, width - used);
  if (align === 'right') return [seg(' '.repeat(gap)), ...line];
  if (align === 'center') {
    const left = Math.floor(gap / 2);
    return [seg(' '.repeat(left)), ...line, seg(' '.repeat(gap - left))];
  }
  return [...line, seg(' '.repeat(gap))];
}

const BORDER = { color: 'muted' } as const;

function rule(widths: number[], pad: number, left: string, mid: string, right: string): Line {
  return [seg(left + widths.map((w) => '─'.repeat(w + 2 * pad)).join(mid) + right, BORDER)];
}

function tableRow(
  cells: Segment[][],
  widths: number[],
  align: Align[],
  header: boolean,
  pad: number,
): Line[] {
  const wrapped = widths.map((w, c) => {
    const cell = cells[c] ?? [];
    const styled = header ? cell.map((s) => ({ ...s, style: { ...s.style, bold: true } })) : cell;
    return wrap(styled, w);
  });
  const height = Math.max(1, ...wrapped.map((l) => l.length));
  const lines: Line[] = [];
  for (let y = 0; y < height; y++) {
    const space = ' '.repeat(pad);
    const line: Line = [seg(`│${space}`, BORDER)];
    widths.forEach((w, c) => {
      if (c > 0) line.push(seg(`${space}│${space}`, BORDER));
      line.push(...padCell(wrapped[c]?.[y] ?? [], w, align[c] ?? null));
    });
    line.push(seg(`${space}│`, BORDER));
    lines.push(line);
  }
  return lines;
}

function records(table: TableCells, width: number): Line[] {
  const [header = [], ...body] = table.rows;
  const lines: Line[] = [];
  body.forEach((row, r) => {
    if (r > 0) lines.push([seg('─'.repeat(Math.max(1, Math.min(width, 8))), BORDER)]);
    row.forEach((cell, c) => {
      const name = (header[c] ?? []).map((s) => s.text).join('');
      lines.push(
        ...wrap(cell, width, { first: [seg(`${name}: `, { bold: true })], rest: [seg('  ')] }),
      );
    });
  });
  return lines;
}

/** The table as lines of at most `width` cells. */
export function renderTable(table: TableCells, width: number): Line[] {
  const columns = Math.max(0, ...table.rows.map((r) => r.length));
  if (columns === 0) return [];
  for (const fit of FITS) {
    const pad = fit.pad ? 1 : 0;
    // Each column takes its content, its padding, and a rule: one more rule closes the row.
    const widths = columnWidths(table.rows, width - columns * (1 + 2 * pad) - 1, fit.cap);
    if (widths !== undefined) return boxed(table, widths, pad);
  }
  return records(table, width);
}

function boxed(table: TableCells, widths: number[], pad: number): Line[] {
  const [header, ...body] = table.rows;
  const rows = body.map((r) => tableRow(r, widths, table.align, false, pad));
  // Rows are told apart by their first cell; with more than one cell wrapping, by a rule.
  const separate = body.some(
    (r) => r.filter((cell, c) => wrap(cell, widths[c] ?? 1).length > 1).length > 1,
  );
  const lines: Line[] = [rule(widths, pad, '┌', '┬', '┐')];
  if (header !== undefined) {
    lines.push(...tableRow(header, widths, table.align, true, pad));
    lines.push(rule(widths, pad, '├', '┼', '┤'));
  }
  rows.forEach((r, i) => {
    if (i > 0 && separate) lines.push(rule(widths, pad, '├', '┼', '┤'));
    lines.push(...r);
  });
  lines.push(rule(widths, pad, '└', '┴', '┘'));
  return lines;
}

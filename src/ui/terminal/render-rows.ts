/**
 * The visible screen of a headless xterm as text rows: runs of cells with the same colours
 * and attributes become one SGR-styled span, so Ink draws a row as one string. In monochrome
 * only the attributes that need no colour are kept (bold, underline, inverse).
 */
import type { IBufferCell, IBufferLine, Terminal } from '@xterm/headless';
import { RESET_ATTRIBUTES } from './escapes.js';

export interface RowOptions {
  mono: boolean;
  /** Draw the cursor (as an inverse cell) at this position of the visible screen. */
  cursor?: { x: number; y: number } | undefined;
}

function colourParams(cell: IBufferCell, fg: boolean): string[] {
  if (fg ? cell.isFgDefault() : cell.isBgDefault()) return [];
  const value = fg ? cell.getFgColor() : cell.getBgColor();
  if (fg ? cell.isFgRGB() : cell.isBgRGB()) {
    return [
      fg ? '38' : '48',
      '2',
      String((value >> 16) & 255),
      String((value >> 8) & 255),
      String(value & 255),
    ];
  }
  if (value < 8) return [String((fg ? 30 : 40) + value)];
  if (value < 16) return [String((fg ? 90 : 100) + value - 8)];
  return [fg ? '38' : '48', '5', String(value)];
}

/** The SGR parameters of one cell ('' for a plain cell). */
export function sgrOf(cell: IBufferCell, mono: boolean, cursor: boolean): string {
  const params: string[] = [];
  if (cell.isBold()) params.push('1');
  if (!mono && cell.isDim()) params.push('2');
  if (!mono && cell.isItalic()) params.push('3');
  if (cell.isUnderline()) params.push('4');
  if ((cell.isInverse() !== 0) !== cursor) params.push('7');
  if (cell.isInvisible()) params.push('8');
  if (!mono && cell.isStrikethrough()) params.push('9');
  if (!mono) params.push(...colourParams(cell, true), ...colourParams(cell, false));
  return params.join(';');
}

export function renderLine(
  line: IBufferLine | undefined,
  cols: number,
  scratch: IBufferCell,
  mono: boolean,
  cursorX: number | undefined,
): string {
  if (line === undefined) return ' '.repeat(cols);
  let out = '';
  let current = '';
  for (let x = 0; x < cols; x++) {
    const cell = line.getCell(x, scratch);
    if (cell === undefined) {
      if (current !== '') out += RESET_ATTRIBUTES;
      current = '';
      out += x === cursorX ? '\x1b[7m \x1b[0m' : ' ';
      continue;
    }
    // The second half of a wide character: its first half already drew it.
    if (cell.getWidth() === 0) continue;
    const sgr = sgrOf(cell, mono, x === cursorX);
    if (sgr !== current) {
      out += sgr === '' ? RESET_ATTRIBUTES : `${RESET_ATTRIBUTES.slice(0, -1)};${sgr}m`;
      current = sgr;
    }
    out += cell.getChars() || ' ';
  }
  return current === '' ? out : out + RESET_ATTRIBUTES;
}

/** The visible rows of `term`, each exactly `term.cols` cells wide. */
export function renderRows(term: Terminal, options: RowOptions): string[] {
  const buffer = term.buffer.active;
  const scratch = buffer.getNullCell();
  const rows: string[] = [];
  for (let y = 0; y < term.rows; y++) {
    const cursorX =
      options.cursor !== undefined && options.cursor.y === y ? options.cursor.x : undefined;
    rows.push(
      renderLine(buffer.getLine(buffer.viewportY + y), term.cols, scratch, options.mono, cursorX),
    );
  }
  return rows;
}

/** The visible screen as plain text (tests, the presenter's notes). */
export function screenText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < term.rows; y++) {
    lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
  }
  return lines.join('\n');
}

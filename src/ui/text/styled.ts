/**
 * Text as the screens draw it: lines of styled segments, each line already wrapped to the
 * width it is drawn at. Colours are roles of the theme (src/ui/app/theme.ts), so the text
 * is laid out once, without knowing whether the terminal has colours.
 */
import cellWidth from './cell-width.js';

export type Role =
  | 'accent'
  | 'ok'
  | 'warn'
  | 'fail'
  | 'muted'
  | 'code'
  | 'keyword'
  | 'string'
  | 'variable'
  | 'comment';

export interface Style {
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
  color?: Role;
}

export interface Segment {
  text: string;
  style?: Style;
}

/** One row of the screen: never wider than the width it was laid out for. */
export type Line = Segment[];

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * Text made safe to draw: a tab becomes spaces, and other control characters (a NUL in a
 * command line a check read, an escape) their visible pictures (␀, ␛) instead of moving the
 * cursor or disappearing. A newline stays: it is a line break to wrap().
 */
export function printable(text: string): string {
  return text
    .replace(/\t/g, '    ')
    .replace(CONTROL, (c) => (c === '\x7f' ? '␡' : String.fromCharCode(0x2400 + c.charCodeAt(0))));
}

export function seg(text: string, style?: Style): Segment {
  const safe = printable(text);
  return style === undefined ? { text: safe } : { text: safe, style };
}

/** Terminal cells `text` takes (wide characters take two, combining marks none). */
export function widthOf(text: string): number {
  return cellWidth(text);
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

export function lineWidth(line: Line): number {
  return widthOf(lineText(line));
}

/** The plain text of lines, one per row, trailing spaces trimmed (tests, captures). */
export function linesText(lines: readonly Line[]): string {
  return lines.map((l) => lineText(l).trimEnd()).join('\n');
}

/** `style` added under each segment's own style (the segment's wins where both set). */
export function withStyle(line: Line, style: Style): Line {
  return line.map((s) => ({ text: s.text, style: { ...style, ...s.style } }));
}

/** `line` cut to `width` cells (with `…` when it had to be cut), or padded with spaces. */
export function fitLine(line: Line, width: number, pad = false): Line {
  const out: Line = [];
  let used = 0;
  const total = lineWidth(line);
  const limit = total > width ? width - 1 : width;
  for (const s of line) {
    const w = widthOf(s.text);
    if (used + w <= limit) {
      out.push(s);
      used += w;
      continue;
    }
    let text = '';
    for (const ch of s.text) {
      const cw = widthOf(ch);
      if (used + cw > limit) break;
      text += ch;
      used += cw;
    }
    if (text !== '') out.push({ ...s, text });
    break;
  }
  if (total > width && width > 0) {
    out.push({ text: '…' });
    used += 1;
  }
  if (pad && used < width) out.push({ text: ' '.repeat(width - used) });
  return out;
}

/** The lines every screen's frame has: the title bar on top and the footer with the keys. */
import type { FooterHint } from '../keys/bindings.js';
import { fitLine, lineWidth, seg, widthOf, type Line, type Segment } from '../text/styled.js';

/** Footer labels kept when the footer is too narrow for all: how to learn the rest, and out. */
const ESSENTIAL = new Set(['keys', 'quit']);

function hintSegments(h: FooterHint): Segment[] {
  return [seg(h.keys, { bold: true, color: 'accent' }), seg(` ${h.label}`, { color: 'muted' })];
}

/**
 * `prefix` (`Ctrl-T +`) and the hints, as many as fit before the notice: the last ones go
 * first when they do not all fit, except the help and quit keys.
 */
export function footerLine(
  hints: readonly FooterHint[],
  width: number,
  notice?: string,
  prefix?: string,
): Line {
  const noticeLine: Line =
    notice === undefined ? [] : [seg(' '), seg(notice, { bold: true, color: 'warn' })];
  const room = Math.max(0, width - lineWidth(noticeLine));
  const head: Line = prefix === undefined ? [] : [seg(`${prefix} +`, { bold: true }), seg('  ')];
  let shown = [...hints];
  const build = (list: FooterHint[]): Line => [
    ...head,
    ...list.flatMap((h, i) => [...(i > 0 ? [seg('  ')] : []), ...hintSegments(h)]),
  ];
  while (shown.length > 0 && lineWidth(build(shown)) > room) {
    const drop = shown.map((h) => ESSENTIAL.has(h.id)).lastIndexOf(false);
    shown = drop < 0 ? shown.slice(0, -1) : shown.filter((_, i) => i !== drop);
  }
  const left = fitLine(build(shown), room);
  const gap = Math.max(0, width - lineWidth(left) - lineWidth(noticeLine));
  return fitLine([...left, seg(' '.repeat(gap)), ...noticeLine], width);
}

/** The title bar: `left` (cut when it must be) and `right`, across the whole width. */
export function titleLine(left: Segment[], right: Segment[], width: number): Line {
  const rightWidth = right.reduce((n, s) => n + widthOf(s.text), 0);
  const leftFit = fitLine([seg(' '), ...left], Math.max(1, width - rightWidth - 2));
  const gap = Math.max(1, width - lineWidth(leftFit) - rightWidth - 1);
  return fitLine([...leftFit, seg(' '.repeat(gap)), ...right, seg(' ')], width, true);
}

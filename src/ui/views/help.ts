/** The help overlay's text: every key of the screen's contexts, from the key table. */
import { helpRows, PREFIX_CONTEXTS, PREFIX_LABEL, type Context } from '../keys/bindings.js';
import { seg, widthOf, type Line } from '../text/styled.js';
import { wrap } from '../text/wrap.js';

const HEADINGS: Record<Context, string> = {
  home: 'The lesson list',
  'player-shell': `While the shell has the keys (the app's keys follow ${PREFIX_LABEL})`,
  'player-lesson': 'While the lesson has the keys',
  slides: 'While the slides have the keys',
  'present-shell': `While the shell has the keys (the app's keys follow ${PREFIX_LABEL})`,
  shell: `The app's keys follow ${PREFIX_LABEL}`,
  notes: 'Notes',
};

/** The keys of `contexts`, a heading over each, as lines of `width` cells. */
export function helpLines(contexts: readonly Context[], width: number): Line[] {
  const lines: Line[] = [];
  for (const context of contexts) {
    const rows = helpRows(context);
    if (lines.length > 0) lines.push([]);
    lines.push(...wrap([seg(HEADINGS[context], { bold: true })], width));
    const keyWidth = Math.min(
      Math.floor(width / 2),
      Math.max(...rows.map((r) => widthOf(r.keys))) + 2,
    );
    for (const r of rows) {
      const keys = seg(r.keys.padEnd(keyWidth), { bold: true, color: 'accent' });
      if (widthOf(r.keys) + 2 > keyWidth) {
        lines.push([keys]);
        lines.push(
          ...wrap([seg(r.description)], width, {
            first: [seg(' '.repeat(keyWidth))],
            rest: [seg(' '.repeat(keyWidth))],
          }),
        );
      } else
        lines.push(
          ...wrap([seg(r.description)], width, {
            first: [keys],
            rest: [seg(' '.repeat(keyWidth))],
          }),
        );
    }
  }
  if (PREFIX_CONTEXTS.has(contexts[0] ?? 'home')) {
    lines.push([]);
    lines.push(
      ...wrap(
        [
          seg(
            `${PREFIX_LABEL} ${PREFIX_LABEL} types a ${PREFIX_LABEL} into the shell. Ctrl-D or exit ends the shell: a new one starts.`,
            { color: 'muted' },
          ),
        ],
        width,
      ),
    );
  }
  return lines;
}

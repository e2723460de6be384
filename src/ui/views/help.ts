/** The help overlay's text: every key of the screen's contexts, from the key table. */
import { helpRows, PREFIX_CONTEXTS, PREFIX_LABEL, type Context } from '../keys/bindings.js';
import { seg, widthOf, type Line } from '../text/styled.js';
import { wrap } from '../text/wrap.js';
import { t } from '../../i18n/messages.js';

function heading(context: Context): string {
  const prefix = PREFIX_LABEL;
  switch (context) {
    case 'home':
      return t('help.home');
    case 'player-shell':
    case 'present-shell':
      return t('help.shellHasKeys', { prefix });
    case 'player-lesson':
      return t('help.lessonHasKeys');
    case 'slides':
      return t('help.slidesHaveKeys');
    case 'shell':
      return t('help.shell', { prefix });
    case 'notes':
      return t('help.notes');
  }
}

/** The keys of `contexts`, a heading over each, as lines of `width` cells. */
export function helpLines(contexts: readonly Context[], width: number): Line[] {
  const lines: Line[] = [];
  for (const context of contexts) {
    const rows = helpRows(context);
    if (lines.length > 0) lines.push([]);
    lines.push(...wrap([seg(heading(context), { bold: true })], width));
    const keyWidth = Math.min(
      Math.floor(width / 2),
      Math.max(...rows.map((r) => widthOf(r.keys))) + 2,
    );
    for (const r of rows) {
      const keys = seg(r.keys + ' '.repeat(Math.max(0, keyWidth - widthOf(r.keys))), {
        bold: true,
        color: 'accent',
      });
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
      ...wrap([seg(t('help.prefix', { prefix: PREFIX_LABEL }), { color: 'muted' })], width),
    );
  }
  return lines;
}

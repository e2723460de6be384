/** One slide (views/slide.ts), scrolled to `scroll` when it is taller than the screen. */
import { t } from '../../i18n/messages.js';
import { Box } from 'ink';
import { seg, type Line } from '../text/styled.js';
import { TextLines } from './TextLines.js';

/** Cells a slide's text gets in a column `width` wide. */
export function slideTextWidth(width: number): number {
  return Math.max(1, width - 4);
}

/** Rows a slide's text gets in a box `height` tall. */
export function slideTextRows(height: number): number {
  return Math.max(1, height - 1);
}

export function Slide({
  lines,
  width,
  height,
  scroll,
  scrollKeys,
}: {
  /** The slide's text (views/slide.ts), laid out for slideTextWidth(width). */
  lines: Line[];
  width: number;
  height: number;
  scroll: number;
  /** The keys that scroll, named under a slide that is cut. */
  scrollKeys: string;
}): React.JSX.Element {
  const inner = slideTextWidth(width);
  const rows = slideTextRows(height);
  const from = Math.max(0, Math.min(scroll, lines.length - rows));
  const below = lines.length - from - rows;
  const more: Line =
    below > 0 ? [seg(`${t('lesson.more', { n: below })} (${scrollKeys})`, { color: 'muted' })] : [];
  return (
    <Box
      width={width}
      height={height}
      paddingX={2}
      paddingTop={1}
      flexDirection="column"
      flexShrink={0}
    >
      <TextLines
        lines={[
          ...lines.slice(from, from + rows - (below > 0 ? 1 : 0)),
          ...(below > 0 ? [more] : []),
        ]}
        width={inner}
        height={rows}
      />
    </Box>
  );
}

/** `━━━━━━────── 3/12` */
export function progressLine(slide: number, total: number, width: number): Line {
  const label = ` ${slide}/${total}`;
  const bar = Math.max(1, width - label.length);
  const full = total === 0 ? 0 : Math.round((slide / total) * bar);
  return [
    seg('━'.repeat(full), { color: 'accent' }),
    seg('─'.repeat(bar - full), { color: 'muted' }),
    seg(label),
  ];
}

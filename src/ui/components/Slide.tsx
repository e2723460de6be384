/** One slide (views/slide.ts), scrolled to `scroll` when it is taller than the screen. */
import { Box } from 'ink';
import { useMemo } from 'react';
import { useTheme } from '../app/theme.js';
import type { Lesson } from '../lessons/lessons-api.js';
import { seg, type Line } from '../text/styled.js';
import { slideLines } from '../views/slide.js';
import { TextLines } from './TextLines.js';

export function Slide({
  lesson,
  slide,
  width,
  height,
  scroll,
  scrollKeys,
}: {
  lesson: Lesson;
  slide: number;
  width: number;
  height: number;
  scroll: number;
  /** The keys that scroll, named under a slide that is cut. */
  scrollKeys: string;
}): React.JSX.Element {
  const theme = useTheme();
  const inner = Math.max(1, width - 4);
  const lines = useMemo(
    () => slideLines(lesson, slide, inner, theme.mono),
    [lesson, slide, inner, theme.mono],
  );
  const rows = Math.max(1, height - 1);
  const from = Math.max(0, Math.min(scroll, lines.length - rows));
  const below = lines.length - from - rows;
  const more: Line = below > 0 ? [seg(`↓ ${below} more (${scrollKeys})`, { color: 'muted' })] : [];
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

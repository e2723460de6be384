/** Draws lines of styled text (src/ui/text/styled.ts) in the theme's colours, one row each. */
import { Box, Text } from 'ink';
import { memo } from 'react';
import { useTheme, type Theme } from '../app/theme.js';
import type { Line, Style } from '../text/styled.js';

function props(style: Style | undefined, theme: Theme): Record<string, unknown> {
  if (style === undefined) return {};
  return {
    bold: style.bold,
    italic: style.italic && !theme.mono,
    underline: style.underline,
    inverse: style.inverse,
    color: style.color === undefined ? undefined : theme[style.color],
  };
}

export function LineText({ line }: { line: Line }): React.JSX.Element {
  const theme = useTheme();
  // An empty Text takes no row at all: a blank line is a space.
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} {...props(s.style, theme)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/**
 * `lines` from `from` on, `height` of them (blank rows below when there are fewer): the box
 * is exactly `height` rows, whatever the lines hold.
 */
export const TextLines = memo(function TextLines({
  lines,
  width,
  height,
  from = 0,
}: {
  lines: readonly Line[];
  width: number;
  height: number;
  from?: number;
}): React.JSX.Element {
  const shown = lines.slice(from, from + Math.max(0, height));
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflow="hidden">
      {shown.map((line, i) => (
        <LineText key={i} line={line} />
      ))}
    </Box>
  );
});

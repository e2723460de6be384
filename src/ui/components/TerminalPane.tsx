/**
 * The embedded shell: a title line, then the xterm screen row by row. The pane tells the
 * terminal its size, so the shell's programs (top, vim) lay out for exactly this box.
 */
import { Box, Text } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import { useTheme } from '../app/theme.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { renderRows } from '../terminal/render-rows.js';

export function TerminalPane({
  terminal,
  width,
  height,
  focused,
  title,
}: {
  terminal: EmbeddedTerminal;
  width: number;
  height: number;
  focused: boolean;
  title: string;
}): React.JSX.Element {
  const theme = useTheme();
  const innerRows = Math.max(1, height - 1);
  useEffect(() => {
    terminal.resize(width, innerRows);
  }, [terminal, width, innerRows]);
  useSyncExternalStore(terminal.subscribe, terminal.getVersion);

  const buffer = terminal.term.buffer.active;
  const atBottom = buffer.viewportY === buffer.baseY;
  const cursor =
    focused && terminal.showCursor && atBottom
      ? { x: buffer.cursorX, y: buffer.cursorY }
      : undefined;
  const rows = renderRows(terminal.term, { mono: theme.mono, cursor });

  return (
    <Box width={width} height={height} flexDirection="column" overflow="hidden">
      <Text
        wrap="truncate-end"
        bold={focused}
        inverse={focused && !theme.mono}
        color={focused ? undefined : theme.muted}
      >
        {`${focused ? '▶' : ' '} ${title}`.padEnd(width)}
      </Text>
      {rows.slice(0, innerRows).map((row, y) => (
        <Text key={y} wrap="truncate-end">
          {row}
        </Text>
      ))}
    </Box>
  );
}

/**
 * The embedded shell: a header row, then the xterm screen row by row. The pane tells the
 * terminal its size, so the shell's programs (top, vim) lay out for exactly this box.
 */
import { Box, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import { useTheme } from '../app/theme.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { renderRows } from '../terminal/render-rows.js';
import { seg, type Segment } from '../text/styled.js';
import { PaneHeader } from './PaneHeader.js';

export function TerminalPane({
  terminal,
  width,
  height,
  focused,
  title,
  right,
}: {
  terminal: EmbeddedTerminal;
  width: number;
  height: number;
  focused: boolean;
  title: string;
  /** At the right of the header: the key that gives the shell (or the lesson) the keys. */
  right?: Segment[];
}): React.JSX.Element {
  const theme = useTheme();
  const innerRows = Math.max(1, height - 1);
  useSyncExternalStore(terminal.subscribe, terminal.getVersion);
  // Sized here, while drawing, not in an effect after it: the frame drawn for a new window
  // size shows the screen reflowed to it, never the old width cut off. (Resizing is
  // idempotent and tells no one: this frame is the one that shows it.)
  terminal.resize(width, innerRows);

  const buffer = terminal.term.buffer.active;
  const atBottom = buffer.viewportY === buffer.baseY;
  const cursor =
    focused && terminal.showCursor && atBottom
      ? { x: buffer.cursorX, y: buffer.cursorY }
      : undefined;
  const rows = renderRows(terminal.term, { mono: theme.mono, cursor });

  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <PaneHeader text={[seg(title)]} focused={focused} width={width} right={right} />
      {rows.slice(0, innerRows).map((row, y) => (
        <Text key={y} wrap="truncate-end">
          {row}
        </Text>
      ))}
    </Box>
  );
}

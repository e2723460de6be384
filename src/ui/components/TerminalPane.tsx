/**
 * The embedded shell: a header row, then the xterm screen row by row. The pane tells the
 * terminal its size, so the shell's programs (top, vim) lay out for exactly this box.
 */
import { Box, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import { useTheme } from '../app/theme.js';
import type { ProcessLine } from '../state/live-view.js';
import type { EmbeddedTerminal } from '../terminal/embedded-terminal.js';
import { renderRows } from '../terminal/render-rows.js';
import { seg, type Segment } from '../text/styled.js';
import { quietShellLines } from '../views/quiet-shell.js';
import { PaneHeader } from './PaneHeader.js';
import { LineText } from './TextLines.js';

export function TerminalPane({
  terminal,
  width,
  height,
  focused,
  title,
  right,
  processes = [],
}: {
  terminal: EmbeddedTerminal;
  width: number;
  height: number;
  focused: boolean;
  title: string;
  /** At the right of the header: the key that gives the shell (or the lesson) the keys. */
  right?: Segment[];
  /** The shell's process tree (the live view's), named while the shell is quiet. */
  processes?: readonly ProcessLine[];
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
  // A shell that has printed nothing has a blank screen: the notice takes its top rows.
  const notice = quietShellLines(terminal.quietFor(), processes, width - 1).slice(0, innerRows);

  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <PaneHeader text={[seg(title)]} focused={focused} width={width} right={right} />
      {notice.map((line, y) => (
        <LineText key={`n${y}`} line={[seg(' '), ...line]} />
      ))}
      {rows.slice(notice.length, innerRows).map((row, y) => (
        <Text key={y} wrap="truncate-end">
          {row}
        </Text>
      ))}
    </Box>
  );
}

/**
 * The frame of every screen, sized to the window (one row less than it): the title bar,
 * the body, and the footer with the keys of `context` (from the key table). Below the
 * minimum size it shows how large the window must be.
 */
import { Box } from 'ink';
import type { ReactNode } from 'react';
import { frameSize, isTooSmall, type FrameSize } from '../app/layout.js';
import { useNotice } from '../app/notice.js';
import { useTheme } from '../app/theme.js';
import { useWindowSize } from '../hooks/use-window-size.js';
import {
  footerHints,
  keyFor,
  PREFIX_CONTEXTS,
  PREFIX_LABEL,
  type Context,
} from '../keys/bindings.js';
import { withStyle, type Segment } from '../text/styled.js';
import { footerLine, titleLine } from '../views/frame.js';
import { LineText } from './TextLines.js';
import { TooSmall } from './TooSmall.js';

export function AppShell({
  title,
  status = [],
  context,
  children,
}: {
  /** The title bar's text (the lesson's title). */
  title: Segment[];
  /** Shown at the right of the title bar (the step and the progress). */
  status?: Segment[];
  /** Whose keys the footer lists. */
  context: Context;
  children: (size: FrameSize) => ReactNode;
}): React.JSX.Element {
  const { cols, rows } = useWindowSize();
  const notice = useNotice();
  const theme = useTheme();
  if (isTooSmall(cols, rows))
    return (
      <TooSmall
        cols={cols}
        rows={rows}
        quitKey={keyFor(context === 'home' ? 'quit-home' : 'quit', context)}
      />
    );
  const size = frameSize(cols, rows);
  const bar = titleLine(title, status, cols);
  const prefix = PREFIX_CONTEXTS.has(context) ? PREFIX_LABEL : undefined;
  return (
    <Box width={size.cols} height={size.rows} flexDirection="column" overflow="hidden">
      <Box width={size.cols} height={1} flexShrink={0}>
        <LineText
          line={theme.mono ? withStyle(bar, { bold: true }) : withStyle(bar, { inverse: true })}
        />
      </Box>
      <Box
        width={size.cols}
        height={size.bodyRows}
        flexShrink={0}
        flexDirection="column"
        overflow="hidden"
      >
        {children(size)}
      </Box>
      <Box width={size.cols} height={1} flexShrink={0}>
        <LineText line={footerLine(footerHints(context), cols, notice, prefix)} />
      </Box>
    </Box>
  );
}

/**
 * The frame of every screen: the body, sized to the window (one row less than it), and the
 * footer with the keys. Below the minimum size it shows how large the window must be.
 */
import { Box } from 'ink';
import type { ReactNode } from 'react';
import { useNotice } from '../app/notice.js';
import { frameSize, isTooSmall, type FrameSize } from '../app/layout.js';
import { useWindowSize } from '../hooks/use-window-size.js';
import { Footer, type KeyHint } from './Footer.js';
import { TooSmall } from './TooSmall.js';

export function AppShell({
  footer,
  children,
}: {
  footer: readonly KeyHint[];
  children: (size: FrameSize) => ReactNode;
}): React.JSX.Element {
  const { cols, rows } = useWindowSize();
  const notice = useNotice();
  if (isTooSmall(cols, rows)) return <TooSmall cols={cols} rows={rows} />;
  const size = frameSize(cols, rows);
  return (
    <Box width={size.cols} height={size.rows} flexDirection="column" overflow="hidden">
      <Box width={size.cols} height={size.bodyRows} flexDirection="column" overflow="hidden">
        {children(size)}
      </Box>
      <Footer hints={footer} notice={notice} width={size.cols} />
    </Box>
  );
}

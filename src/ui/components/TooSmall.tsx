/** Shown instead of a screen when the window is smaller than the layouts need. */
import { Box, Text } from 'ink';
import { MIN_COLS, MIN_ROWS } from '../app/layout.js';

export function TooSmall({
  cols,
  rows,
  quitKey,
}: {
  cols: number;
  rows: number;
  quitKey: string;
}): React.JSX.Element {
  return (
    <Box width={cols} height={Math.max(1, rows - 1)} flexDirection="column" overflow="hidden">
      <Text bold wrap="wrap">
        Please enlarge the window to at least {MIN_COLS}x{MIN_ROWS}
      </Text>
      <Text wrap="wrap">
        It is {cols}x{rows} now. {quitKey} quits.
      </Text>
    </Box>
  );
}

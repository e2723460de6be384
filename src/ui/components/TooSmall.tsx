/** Shown instead of a screen when the window is smaller than the layouts need. */
import { Box, Text } from 'ink';
import { MIN_COLS, MIN_ROWS } from '../app/layout.js';
import { t } from '../../i18n/messages.js';

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
        {t('app.tooSmall', { cols: MIN_COLS, rows: MIN_ROWS })}
      </Text>
      <Text wrap="wrap">{t('app.tooSmallNow', { cols, rows, quitKey })}</Text>
    </Box>
  );
}

/** A vertical rule between two panes, `height` rows tall. */
import { Box, Text } from 'ink';
import { useTheme } from '../app/theme.js';

export function VRule({ height }: { height: number }): React.JSX.Element {
  const theme = useTheme();
  return (
    <Box width={1} height={height} flexShrink={0} flexDirection="column">
      <Text color={theme.muted}>{Array.from({ length: height }, () => '│').join('\n')}</Text>
    </Box>
  );
}

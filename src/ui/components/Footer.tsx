/** The bottom line: the keys that work now, and a short notice at the right. */
import { Box, Text } from 'ink';
import { useTheme } from '../app/theme.js';

export interface KeyHint {
  keys: string;
  label: string;
}

export function footerText(hints: readonly KeyHint[]): string {
  return hints.map((h) => `${h.keys} ${h.label}`).join('  ');
}

export function Footer({
  hints,
  notice,
  width,
}: {
  hints: readonly KeyHint[];
  notice: string | undefined;
  width: number;
}): React.JSX.Element {
  const theme = useTheme();
  return (
    <Box width={width} height={1} flexDirection="row">
      <Box flexGrow={1} flexShrink={1} overflow="hidden">
        <Text wrap="truncate-end">
          {hints.map((h, i) => (
            <Text key={h.keys + h.label}>
              {i > 0 ? '  ' : ''}
              <Text bold color={theme.accent}>
                {h.keys}
              </Text>{' '}
              <Text color={theme.muted}>{h.label}</Text>
            </Text>
          ))}
        </Text>
      </Box>
      {notice !== undefined && (
        <Box flexShrink={0} marginLeft={1}>
          <Text bold color={theme.warn} wrap="truncate-end">
            {notice}
          </Text>
        </Box>
      )}
    </Box>
  );
}

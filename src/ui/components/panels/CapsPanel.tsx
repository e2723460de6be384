/** Capabilities of the newest lab process against the host's: what it lost, what it kept. */
import { Box, Text } from 'ink';
import { useTheme } from '../../app/theme.js';
import type { LiveView } from '../../state/live-kernel.js';

export function CapsPanel({ view }: { view: LiveView }): React.JSX.Element {
  const theme = useTheme();
  const focus = view.focus;
  if (focus?.caps === undefined) return <Text color={theme.muted}>no lab process yet</Text>;
  const { effective, bounding } = focus.caps;
  const dropped = [
    ...new Set([...(bounding.vsHost?.dropped ?? []), ...(effective.vsHost?.dropped ?? [])]),
  ];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{`${focus.command}`}</Text>
        <Text color={theme.muted}>{` (pid ${focus.pid})`}</Text>
      </Text>
      <Text wrap="truncate-end">{`effective ${effective.names.length} caps, bounding ${bounding.names.length} (host: ${effective.names.length + (effective.vsHost?.dropped.length ?? 0)})`}</Text>
      <Text wrap="wrap" color={dropped.length > 0 ? theme.warn : theme.ok}>
        {dropped.length > 0
          ? `dropped vs host: ${dropped.join(' ')}`
          : 'same capabilities as the host'}
      </Text>
    </Box>
  );
}

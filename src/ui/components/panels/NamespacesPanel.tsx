/** The namespaces the lab's processes made (those the host does not share), like lsns. */
import { Box, Text } from 'ink';
import { useTheme } from '../../app/theme.js';
import { fit } from '../../format/units.js';
import type { LiveView } from '../../state/live-kernel.js';

export function NamespacesPanel({
  view,
  width,
  height,
}: {
  view: LiveView;
  width: number;
  height: number;
}): React.JSX.Element {
  const theme = useTheme();
  if (view.namespaces.length === 0)
    return (
      <Text color={theme.muted} wrap="wrap">
        every lab process still shares all of the host&apos;s namespaces — try unshare
      </Text>
    );
  const rest = Math.max(8, width - 34);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {`${fit('TYPE', 7)}${fit('INODE', 12)}${fit('NPROCS', 7)}${fit('PID', 8)}COMMAND`}
      </Text>
      {view.namespaces.slice(0, Math.max(1, height - 1)).map((n) => (
        <Text key={`${n.type}:${n.inode}`} wrap="truncate-end">
          <Text color={theme.warn}>{fit(n.type, 7)}</Text>
          {`${fit(String(n.inode), 12)}${fit(String(n.nprocs), 7)}${fit(String(n.pid), 8)}${fit(n.command, rest)}`}
        </Text>
      ))}
    </Box>
  );
}

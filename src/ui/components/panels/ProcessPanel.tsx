/**
 * The lab shell's process tree. A process in a namespace of its own is marked ★ and
 * highlighted with what is new (`pid:new mnt:new`): that is where a container begins.
 */
import { Box, Text } from 'ink';
import { useTheme } from '../../app/theme.js';
import type { LiveView } from '../../state/live-kernel.js';

export function ProcessPanel({
  view,
  height,
}: {
  view: LiveView;
  height: number;
}): React.JSX.Element {
  const theme = useTheme();
  if (view.tree.length === 0) return <Text color={theme.muted}>waiting for the lab shell…</Text>;
  // Keep the newest (deepest, last) lines in view when the tree is taller than the panel.
  const lines = view.tree.slice(Math.max(0, view.tree.length - height));
  return (
    <Box flexDirection="column">
      {lines.map((l) => {
        const isolated = l.newNamespaces.length > 0;
        return (
          <Text key={l.pid} wrap="truncate-end">
            <Text color={theme.muted}>{l.prefix}</Text>
            <Text bold={isolated} color={isolated ? theme.warn : undefined}>
              {isolated ? '★ ' : ''}
              {l.label}
            </Text>
            {isolated && (
              <Text bold inverse={!theme.mono} color={theme.warn}>
                {` ${l.newNamespaces.join(' ')} `}
              </Text>
            )}
            {l.notes.length > 0 && <Text color={theme.accent}>{` ${l.notes.join(' ')}`}</Text>}
          </Text>
        );
      })}
    </Box>
  );
}

/** Mounts only the newest lab process sees (its own mount namespace), like findmnt -N. */
import { Box, Text } from 'ink';
import { useTheme } from '../../app/theme.js';
import { fit } from '../../format/units.js';
import type { LiveView } from '../../state/live-kernel.js';

export function MountsPanel({
  view,
  width,
  height,
}: {
  view: LiveView;
  width: number;
  height: number;
}): React.JSX.Element {
  const theme = useTheme();
  const focus = view.focus;
  if (focus?.mounts === undefined)
    return (
      <Text color={theme.muted} wrap="wrap">
        no lab process has a mount namespace of its own — try unshare --mount
      </Text>
    );
  const { added, removed } = focus.mounts;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{focus.command}</Text>
        <Text
          color={theme.muted}
        >{` (pid ${focus.pid}): ${added.length} mounts of its own, ${removed} host mounts gone`}</Text>
      </Text>
      {added.slice(0, Math.max(1, height - 1)).map((m) => (
        <Text key={m.id} wrap="truncate-end">
          <Text color={theme.warn}>{fit(m.mountPoint, Math.max(10, width - 30))}</Text>
          {` ${fit(m.fstype, 10)} ${m.source}`}
        </Text>
      ))}
    </Box>
  );
}

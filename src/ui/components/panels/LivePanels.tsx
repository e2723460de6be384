/** The tabs of live kernel panels under the lesson: one shown at a time, chosen by 1…5. */
import { Box, Text } from 'ink';
import { useTheme } from '../../app/theme.js';
import type { LiveView } from '../../state/live-kernel.js';
import { CapsPanel } from './CapsPanel.js';
import { CgroupPanel } from './CgroupPanel.js';
import { MountsPanel } from './MountsPanel.js';
import { NamespacesPanel } from './NamespacesPanel.js';
import { ProcessPanel } from './ProcessPanel.js';

export const PANEL_TABS = ['processes', 'namespaces', 'cgroup', 'capabilities', 'mounts'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

export function LivePanels({
  view,
  tab,
  width,
  height,
}: {
  view: LiveView;
  tab: PanelTab;
  width: number;
  height: number;
}): React.JSX.Element {
  const theme = useTheme();
  const inner = { width: width - 2, height: Math.max(1, height - 2) };
  return (
    <Box
      width={width}
      height={height}
      flexDirection="column"
      borderStyle="single"
      borderColor={theme.muted}
      overflow="hidden"
    >
      <Box width={inner.width} height={1}>
        <Text wrap="truncate-end">
          {PANEL_TABS.map((t, i) => (
            <Text
              key={t}
              bold={t === tab}
              inverse={t === tab && !theme.mono}
              color={t === tab ? undefined : theme.muted}
            >
              {t === tab && theme.mono ? `[${i + 1} ${t}]` : ` ${i + 1} ${t} `}
            </Text>
          ))}
        </Text>
      </Box>
      <Box width={inner.width} height={inner.height - 1} flexDirection="column" overflow="hidden">
        {tab === 'processes' && <ProcessPanel view={view} height={inner.height - 1} />}
        {tab === 'namespaces' && (
          <NamespacesPanel view={view} width={inner.width} height={inner.height - 1} />
        )}
        {tab === 'cgroup' && <CgroupPanel view={view} width={inner.width} />}
        {tab === 'capabilities' && <CapsPanel view={view} />}
        {tab === 'mounts' && (
          <MountsPanel view={view} width={inner.width} height={inner.height - 1} />
        )}
      </Box>
    </Box>
  );
}

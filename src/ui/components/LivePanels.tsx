/** The live kernel panels: a strip of their names, and the one chosen below it. */
import { t } from '../../i18n/messages.js';
import { Box } from 'ink';
import { useTheme } from '../app/theme.js';
import type { PanelTab } from '../keys/commands.js';
import type { LiveView } from '../state/live-view.js';
import { panelLines, tabStrip } from '../views/panels.js';
import { TextLines } from './TextLines.js';
import { PaneHeader } from './PaneHeader.js';
import { seg } from '../text/styled.js';

export function LivePanels({
  view,
  tab,
  width,
  height,
  nextKey,
}: {
  view: LiveView;
  tab: PanelTab;
  width: number;
  height: number;
  /** The key that shows the next panel (the header names it). */
  nextKey: string;
}): React.JSX.Element {
  const theme = useTheme();
  const inner = Math.max(1, width - 1);
  const rows = Math.max(0, height - 2);
  return (
    <Box width={width} height={height} flexDirection="column" flexShrink={0} overflow="hidden">
      <PaneHeader
        text={[seg(t('panels.liveKernel'))]}
        focused={false}
        width={width}
        right={[seg(t('panels.nextPanel', { key: nextKey }))]}
      />
      <Box paddingLeft={1} height={1} flexShrink={0}>
        <TextLines lines={[tabStrip(tab, inner, theme.mono)]} width={inner} height={1} />
      </Box>
      <Box paddingLeft={1} height={rows} flexShrink={0}>
        <TextLines lines={panelLines(tab, view, inner, rows)} width={inner} height={rows} />
      </Box>
    </Box>
  );
}

/**
 * Every key of the screen, from the key table, over the whole body: ↑/↓ scroll when it is
 * longer than the screen, any other key closes it.
 */
import { Box } from 'ink';
import { useCallback, useMemo, useState } from 'react';
import { useKeys } from '../hooks/use-keys.js';
import type { Context } from '../keys/bindings.js';
import type { KeyPress } from '../keys/key-press.js';
import { seg } from '../text/styled.js';
import { helpLines } from '../views/help.js';
import { t } from '../../i18n/messages.js';
import { TextLines } from './TextLines.js';

export function HelpOverlay({
  contexts,
  width,
  height,
  onClose,
}: {
  contexts: readonly Context[];
  width: number;
  height: number;
  onClose: () => void;
}): React.JSX.Element {
  const inner = Math.max(1, width - 4);
  const lines = useMemo(
    () => [
      [seg(t('help.title'), { bold: true })],
      [],
      ...helpLines(contexts, inner),
      [],
      [seg(t('help.scroll'), { color: 'muted' })],
    ],
    [contexts, inner],
  );
  const rows = Math.max(1, height - 1);
  const [scroll, setScroll] = useState(0);
  const max = Math.max(0, lines.length - rows);
  const onKey = useCallback(
    (key: KeyPress) => {
      if (key.name === 'down' || key.name === 'pagedown')
        setScroll((s) => Math.min(max, s + (key.name === 'down' ? 1 : rows)));
      else if (key.name === 'up' || key.name === 'pageup')
        setScroll((s) => Math.max(0, s - (key.name === 'up' ? 1 : rows)));
      else onClose();
    },
    [max, rows, onClose],
  );
  useKeys(onKey);
  return (
    <Box
      width={width}
      height={height}
      paddingX={2}
      paddingTop={1}
      flexDirection="column"
      flexShrink={0}
    >
      <TextLines lines={lines} from={Math.min(scroll, max)} width={inner} height={rows} />
    </Box>
  );
}

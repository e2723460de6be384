/** Every key of the lesson player, in one screen; any key closes it. */
import { Box, Text } from 'ink';
import { useTheme } from '../app/theme.js';

export const HELP_ROWS: [string, string][] = [
  ['Ctrl-T f  or  F11', 'shell full-screen on/off'],
  ['Ctrl-T Tab', 'focus: shell ↔ lesson'],
  ['Ctrl-T n / Ctrl-T p', 'next / previous step'],
  ['Ctrl-T c', 'check this step (checkpoint)'],
  ['Ctrl-T h', 'the next hint'],
  ['Ctrl-T 1…5', 'panel: processes, namespaces, cgroups, capabilities, mounts'],
  ['Ctrl-T s', 'finish typing the demo command now'],
  ['Ctrl-T Ctrl-T', 'send Ctrl-T to the shell'],
  ['Ctrl-T q', 'quit (the lab session is cleaned up)'],
  ['Ctrl-D or exit', 'ends the shell: a new one starts'],
  ['Ctrl-C Ctrl-C', 'quit, when the lesson has the focus'],
  ['lesson focus: c h s', 'check, hint, solution (no prefix needed)'],
  ['lesson focus: n p ↑ ↓', 'next / previous step, scroll the text'],
  ['lesson focus: A B C', 'answer the quiz'],
];

export function HelpOverlay({
  width,
  height,
}: {
  width: number;
  height: number;
}): React.JSX.Element {
  const theme = useTheme();
  return (
    <Box width={width} height={height} flexDirection="column" paddingX={2} paddingY={1}>
      <Text bold>Keys</Text>
      <Text> </Text>
      {HELP_ROWS.map(([keys, what]) => (
        <Text key={keys} wrap="truncate-end">
          <Text bold color={theme.accent}>
            {keys.padEnd(22)}
          </Text>
          {what}
        </Text>
      ))}
      <Text> </Text>
      <Text color={theme.muted}>any key closes this</Text>
    </Box>
  );
}

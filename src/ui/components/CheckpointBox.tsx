/**
 * The checkpoint under the step: a spinner while it runs, then what was seen and what was
 * expected for each check; a pass offers the next step.
 */
import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useTheme } from '../app/theme.js';
import type { PlayerState } from '../state/player-store.js';

export function CheckpointBox({
  state,
  keyLabel,
  nextLabel,
}: {
  state: PlayerState;
  keyLabel: string;
  nextLabel: string;
}): React.JSX.Element | null {
  const theme = useTheme();
  const step = state.step;
  if (step?.checkpoint === undefined) return null;
  if (state.checking)
    return (
      <Text color={theme.accent}>
        <Spinner type="dots" /> checking the system…
      </Text>
    );
  if (state.passed)
    return (
      <Box flexDirection="column">
        <Text bold color={theme.ok} wrap="wrap">
          ✓ checkpoint passed{' '}
          {step.number < (state.marks.length || 0)
            ? `— ${nextLabel} for the next step`
            : '— lesson complete'}
        </Text>
        {state.detailed &&
          state.result?.results.map((r, i) => (
            <Text key={i} color={theme.muted} wrap="wrap">
              {`  ✓ ${r.saw}`}
            </Text>
          ))}
      </Box>
    );
  if (!state.detailed || state.result === undefined)
    return (
      <Text color={theme.muted} wrap="wrap">
        {`checkpoint: not passed yet — ${keyLabel} checks now`}
      </Text>
    );
  return (
    <Box flexDirection="column">
      <Text bold color={theme.fail}>
        ✗ checkpoint not passed yet
      </Text>
      {state.result.results.map((r, i) => (
        <Box key={i} flexDirection="column">
          <Text color={r.ok ? theme.ok : theme.fail} wrap="wrap">
            {`${r.ok ? '✓' : '✗'} ${r.check.name ?? r.check.kind}`}
          </Text>
          {!r.ok && (
            <>
              <Text wrap="wrap">{`  saw: ${r.saw}`}</Text>
              <Text wrap="wrap">{`  expected: ${r.expected}`}</Text>
              {r.check.explain !== undefined && (
                <Text color={theme.accent} wrap="wrap">{`  → ${r.check.explain}`}</Text>
              )}
            </>
          )}
        </Box>
      ))}
    </Box>
  );
}

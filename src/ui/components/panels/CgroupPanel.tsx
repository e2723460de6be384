/** The lab's cgroup: memory against its limit with a sparkline, PIDs, CPU, OOM kills. */
import { Box, Text } from 'ink';
import { useTheme } from '../../app/theme.js';
import { formatBytes, gauge, sparkline } from '../../format/units.js';
import type { LiveView } from '../../state/live-kernel.js';

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

export function CgroupPanel({ view, width }: { view: LiveView; width: number }): React.JSX.Element {
  const theme = useTheme();
  const stats = view.cgroup;
  if (stats === undefined) return <Text color={theme.muted}>reading the lab cgroup…</Text>;
  const mem = stats.memory;
  const current = mem?.current.value ?? 0;
  const max = mem?.max.value;
  const limited = typeof max === 'number';
  const pids = stats.pids;
  const cpu = stats.cpu;
  const bar = Math.min(30, Math.max(10, width - 40));
  return (
    <Box flexDirection="column">
      <Text color={theme.muted} wrap="truncate-end">
        {mem?.dir ?? 'no memory controller'}
      </Text>
      {mem !== null && (
        <Text wrap="truncate-end">
          {'memory '}
          <Text color={theme.ok}>{limited ? gauge(current / max, bar) : ''}</Text>
          {` ${formatBytes(current)} / ${limited ? formatBytes(max) : 'max'}  `}
          <Text color={theme.muted}>{`${fileName(mem.max.file)}`}</Text>
        </Text>
      )}
      {mem !== null && (
        <Text wrap="truncate-end">
          {'history '}
          <Text color={theme.accent}>{sparkline(view.memory, Math.max(10, width - 10))}</Text>
        </Text>
      )}
      {pids !== null && (
        <Text wrap="truncate-end">
          {`pids   ${pids.current.value ?? '?'} / ${pids.max.value ?? 'max'}  `}
          <Text color={theme.muted}>{fileName(pids.max.file)}</Text>
        </Text>
      )}
      {cpu !== null && (
        <Text wrap="truncate-end">
          {`cpu    quota ${cpu.quota.value ?? 'max'} per ${cpu.period.value ?? '?'} µs, throttled ${cpu.throttledPeriods.value ?? 0} periods`}
        </Text>
      )}
      <Text
        wrap="truncate-end"
        bold={view.oomKills > 0}
        color={view.oomKills > 0 ? theme.fail : undefined}
      >
        {`OOM kills ${view.oomKills}`}
      </Text>
    </Box>
  );
}

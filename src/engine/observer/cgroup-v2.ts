/** Reading a cgroup v2 directory (the unified hierarchy, or a fixture captured from one). */
import { flatKey, readFiles, reading } from './cgroup-files.js';
import { parseCpuMax, parseFlat, parseIoMax, toLimit, toNumber } from './cgroup-values.js';
import type {
  CpuStats,
  FreezerState,
  FreezerStats,
  IoStats,
  MemoryStats,
  PidsStats,
} from './cgroup-stats.js';
import type { KernelSource } from './source.js';

const MEMORY_FILES = [
  'memory.current',
  'memory.max',
  'memory.high',
  'memory.peak',
  'memory.swap.current',
  'memory.swap.max',
  'memory.events',
] as const;

export async function readV2Memory(dir: string, source: KernelSource): Promise<MemoryStats> {
  const f = await readFiles(dir, source, MEMORY_FILES);
  const events = parseFlat(f['memory.events'].text);
  return {
    version: 2,
    dir,
    current: reading(f['memory.current'], toNumber),
    max: reading(f['memory.max'], toLimit),
    high: reading(f['memory.high'], toLimit),
    peak: reading(f['memory.peak'], toNumber),
    swapCurrent: reading(f['memory.swap.current'], toNumber),
    swapMax: reading(f['memory.swap.max'], toLimit),
    memswMax: null,
    events: { file: f['memory.events'].file, value: events },
    oomKills: flatKey(f['memory.events'], events, 'oom_kill'),
  };
}

export async function readV2Cpu(dir: string, source: KernelSource): Promise<CpuStats> {
  const f = await readFiles(dir, source, ['cpu.weight', 'cpu.max', 'cpu.stat'] as const);
  const max = parseCpuMax(f['cpu.max'].text);
  const stat = parseFlat(f['cpu.stat'].text);
  return {
    version: 2,
    dir,
    weight: reading(f['cpu.weight'], toNumber),
    shares: null,
    quota: { file: f['cpu.max'].file, value: max?.quota ?? null },
    period: { file: f['cpu.max'].file, value: max?.period ?? null },
    usageUsec: flatKey(f['cpu.stat'], stat, 'usage_usec'),
    periods: flatKey(f['cpu.stat'], stat, 'nr_periods'),
    throttledPeriods: flatKey(f['cpu.stat'], stat, 'nr_throttled'),
    throttledUsec: flatKey(f['cpu.stat'], stat, 'throttled_usec'),
  };
}

export async function readV2Pids(dir: string, source: KernelSource): Promise<PidsStats> {
  const f = await readFiles(dir, source, ['pids.current', 'pids.max', 'pids.events'] as const);
  return {
    version: 2,
    dir,
    current: reading(f['pids.current'], toNumber),
    max: reading(f['pids.max'], toLimit),
    events: reading(f['pids.events'], parseFlat),
  };
}

export async function readV2Io(dir: string, source: KernelSource): Promise<IoStats> {
  const f = await readFiles(dir, source, ['io.max'] as const);
  const max = f['io.max'];
  return {
    version: 2,
    dir,
    limits: [reading(max, (t) => (t === undefined ? null : parseIoMax(t, max.file)))],
  };
}

export async function readV2Freezer(dir: string, source: KernelSource): Promise<FreezerStats> {
  const f = await readFiles(dir, source, ['cgroup.freeze', 'cgroup.events'] as const);
  const requested = reading(f['cgroup.freeze'], (t) => (t === undefined ? null : t.trim() === '1'));
  const frozen = parseFlat(f['cgroup.events'].text)?.frozen;
  // Freezing is asynchronous: asked for (cgroup.freeze 1) but not yet reported frozen.
  let state: FreezerState | null = null;
  if (frozen === 1) state = 'frozen';
  else if (frozen === 0) state = requested.value === true ? 'freezing' : 'thawed';
  return { version: 2, dir, state: { file: f['cgroup.events'].file, value: state }, requested };
}

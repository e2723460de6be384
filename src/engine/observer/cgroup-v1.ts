/**
 * Reading cgroup v1 controllers. Each controller is its own hierarchy with its own
 * directory for the same process (cpu and cpuacct are often separate mounts), so every
 * reader takes the directory of its controller.
 */
import { flatKey, readFiles, reading } from './cgroup-files.js';
import { parseFlat, parseV1Throttle, toLimit, toNumber, type IoKey } from './cgroup-values.js';
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
  'memory.usage_in_bytes',
  'memory.limit_in_bytes',
  'memory.max_usage_in_bytes',
  'memory.memsw.limit_in_bytes',
  'memory.oom_control',
] as const;

export async function readV1Memory(dir: string, source: KernelSource): Promise<MemoryStats> {
  const f = await readFiles(dir, source, MEMORY_FILES);
  const oom = parseFlat(f['memory.oom_control'].text);
  return {
    version: 1,
    dir,
    current: reading(f['memory.usage_in_bytes'], toNumber),
    max: reading(f['memory.limit_in_bytes'], toLimit),
    high: null,
    peak: reading(f['memory.max_usage_in_bytes'], toNumber),
    swapCurrent: null,
    swapMax: null,
    memswMax: reading(f['memory.memsw.limit_in_bytes'], toLimit),
    events: { file: f['memory.oom_control'].file, value: oom },
    oomKills: flatKey(f['memory.oom_control'], oom, 'oom_kill'),
  };
}

const NS_PER_US = 1 / 1000;

/** `cpuDir` is the cpu hierarchy's directory, `acctDir` cpuacct's (the same when co-mounted). */
export async function readV1Cpu(
  cpuDir: string,
  acctDir: string | undefined,
  source: KernelSource,
): Promise<CpuStats> {
  const f = await readFiles(cpuDir, source, [
    'cpu.shares',
    'cpu.cfs_quota_us',
    'cpu.cfs_period_us',
    'cpu.stat',
  ] as const);
  const usage =
    acctDir === undefined
      ? undefined
      : (await readFiles(acctDir, source, ['cpuacct.usage'] as const))['cpuacct.usage'];
  const stat = parseFlat(f['cpu.stat'].text);
  return {
    version: 1,
    dir: cpuDir,
    weight: null,
    shares: reading(f['cpu.shares'], toNumber),
    quota: reading(f['cpu.cfs_quota_us'], toLimit),
    period: reading(f['cpu.cfs_period_us'], toNumber),
    usageUsec:
      usage === undefined
        ? { file: 'cpuacct.usage', value: null }
        : reading(usage, (t) => {
            const ns = toNumber(t);
            return ns === null ? null : Math.round(ns * NS_PER_US);
          }),
    periods: flatKey(f['cpu.stat'], stat, 'nr_periods'),
    throttledPeriods: flatKey(f['cpu.stat'], stat, 'nr_throttled'),
    throttledUsec: flatKey(f['cpu.stat'], stat, 'throttled_time', NS_PER_US),
  };
}

export async function readV1Pids(dir: string, source: KernelSource): Promise<PidsStats> {
  const f = await readFiles(dir, source, ['pids.current', 'pids.max', 'pids.events'] as const);
  return {
    version: 1,
    dir,
    current: reading(f['pids.current'], toNumber),
    max: reading(f['pids.max'], toLimit),
    events: reading(f['pids.events'], parseFlat),
  };
}

const THROTTLE_FILES: Record<IoKey, string> = {
  rbps: 'blkio.throttle.read_bps_device',
  wbps: 'blkio.throttle.write_bps_device',
  riops: 'blkio.throttle.read_iops_device',
  wiops: 'blkio.throttle.write_iops_device',
};

export async function readV1Io(dir: string, source: KernelSource): Promise<IoStats> {
  const keys = Object.keys(THROTTLE_FILES) as IoKey[];
  const f = await readFiles(dir, source, Object.values(THROTTLE_FILES));
  return {
    version: 1,
    dir,
    limits: keys.map((key) => {
      const raw = f[THROTTLE_FILES[key]];
      return raw === undefined
        ? { file: `${dir}/${THROTTLE_FILES[key]}`, value: null }
        : reading(raw, (t) => (t === undefined ? null : parseV1Throttle(t, key, raw.file)));
    }),
  };
}

const V1_FREEZER: Record<string, FreezerState> = {
  THAWED: 'thawed',
  FREEZING: 'freezing',
  FROZEN: 'frozen',
};

export async function readV1Freezer(dir: string, source: KernelSource): Promise<FreezerStats> {
  const f = await readFiles(dir, source, ['freezer.state'] as const);
  return {
    version: 1,
    dir,
    // The root cgroup has no freezer.state: it can never be frozen.
    state: reading(f['freezer.state'], (t) =>
      t === undefined ? null : (V1_FREEZER[t.trim()] ?? null),
    ),
    requested: null,
  };
}

/**
 * One model of a cgroup's limits and usage over v1 and v2. A field is null when the concept
 * has no file on that cgroup version (memory.high on v1); a Reading whose value is null
 * names the file that should hold it but was absent (the root cgroup has no pids.max, an
 * older kernel has no memory.peak). Times are microseconds and sizes bytes on both versions.
 */
import type { Flat, IoLimit, Limit, Reading } from './cgroup-values.js';

interface Section {
  version: 1 | 2;
  /** The cgroup directory the files were read from. */
  dir: string;
}

export interface MemoryStats extends Section {
  /** v2 memory.current, v1 memory.usage_in_bytes. */
  current: Reading<number>;
  /** v2 memory.max, v1 memory.limit_in_bytes. */
  max: Reading<Limit>;
  /** v2 memory.high (throttling threshold); v1 has none. */
  high: Reading<Limit> | null;
  /** v2 memory.peak (Linux 5.19+), v1 memory.max_usage_in_bytes. */
  peak: Reading<number>;
  /** v2 memory.swap.current / memory.swap.max. */
  swapCurrent: Reading<number> | null;
  swapMax: Reading<Limit> | null;
  /** v1 memory.memsw.limit_in_bytes: memory plus swap together (needs swap accounting). */
  memswMax: Reading<Limit> | null;
  /** v2 memory.events (low, high, max, oom, oom_kill...), v1 memory.oom_control. */
  events: Reading<Flat>;
  /** Processes the OOM killer killed in this cgroup: oom_kill in the events file. */
  oomKills: Reading<number>;
}

export interface CpuStats extends Section {
  /** v2 cpu.weight (1..10000, default 100). */
  weight: Reading<number> | null;
  /** v1 cpu.shares (2..262144, default 1024). */
  shares: Reading<number> | null;
  /** v2 the first field of cpu.max, v1 cpu.cfs_quota_us: microseconds per period. */
  quota: Reading<Limit>;
  /** v2 the second field of cpu.max, v1 cpu.cfs_period_us. */
  period: Reading<number>;
  /** v2 usage_usec in cpu.stat, v1 cpuacct.usage (ns, converted). */
  usageUsec: Reading<number>;
  /** nr_periods / nr_throttled in cpu.stat (both versions). */
  periods: Reading<number>;
  throttledPeriods: Reading<number>;
  /** v2 throttled_usec, v1 throttled_time (ns, converted), in cpu.stat. */
  throttledUsec: Reading<number>;
}

export interface PidsStats extends Section {
  current: Reading<number>;
  max: Reading<Limit>;
  /** pids.events: `max` counts forks refused by the limit. */
  events: Reading<Flat>;
}

export interface IoStats extends Section {
  /** v2 io.max; v1 the four blkio.throttle.{read,write}_{bps,iops}_device files. */
  limits: Reading<IoLimit[]>[];
}

export type FreezerState = 'thawed' | 'freezing' | 'frozen';

export interface FreezerStats extends Section {
  /** v2 from `frozen` in cgroup.events, v1 freezer.state. */
  state: Reading<FreezerState>;
  /** v2 cgroup.freeze: what was asked for (1 = freeze). */
  requested: Reading<boolean> | null;
}

export interface CgroupStats {
  memory: MemoryStats | null;
  cpu: CpuStats | null;
  pids: PidsStats | null;
  io: IoStats | null;
  freezer: FreezerStats | null;
}

/** Where the controllers of one cgroup live (v1: per controller; v2: one directory). */
export interface CgroupLocation {
  v1: Partial<Record<V1Controller, string>>;
  /** The unified directory and the controllers its hierarchy has (none on a hybrid host). */
  v2?: { dir: string; controllers: string[] };
}

export type V1Controller = 'memory' | 'cpu' | 'cpuacct' | 'pids' | 'blkio' | 'freezer';

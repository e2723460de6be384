/**
 * Values read from cgroup control files, each carrying the file it came from: learners must
 * learn the real names (`memory.max` on v2, `memory.limit_in_bytes` on v1), so the model
 * never hides them behind an abstraction.
 */

/** "no limit": `max` in v2 files, -1 or a near-2^63 number in v1 ones. */
export type Limit = number | 'max';

export interface Reading<T> {
  /** Absolute path of the control file. */
  file: string;
  /** The parsed value; null when the file is absent on this kernel, or unreadable. */
  value: T | null;
}

export type Flat = Record<string, number>;

export function toNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

// v1 memory limits print PAGE_COUNTER_MAX * PAGE_SIZE (0x7ffffffffffff000 with 4 KiB pages)
// for "unlimited"; anything that large cannot be a real limit.
const V1_UNLIMITED = 2 ** 62;

export function toLimit(text: string | undefined): Limit | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (t === 'max' || t === '-1') return 'max';
  const n = toNumber(t);
  if (n === null) return null;
  return n >= V1_UNLIMITED ? 'max' : n;
}

/** Flat keyed files (`memory.events`, `cpu.stat`, `pids.events`): `key value` lines. */
export function parseFlat(text: string | undefined): Flat | null {
  if (text === undefined) return null;
  const out: Flat = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === undefined || key === '' || value === undefined) continue;
    const n = Number(value);
    if (Number.isFinite(n)) out[key] = n;
  }
  return out;
}

/** v2 `cpu.max`: `$QUOTA $PERIOD`, quota `max` for none. */
export function parseCpuMax(text: string | undefined): { quota: Limit; period: number } | null {
  if (text === undefined) return null;
  const [quota, period] = text.trim().split(/\s+/);
  const q = toLimit(quota);
  const p = toNumber(period);
  return q === null || p === null ? null : { quota: q, period: p };
}

export type IoKey = 'rbps' | 'wbps' | 'riops' | 'wiops';

export interface IoLimit {
  /** MAJ:MIN of the block device. */
  device: string;
  key: IoKey;
  value: Limit;
  file: string;
}

const IO_KEYS = new Set<string>(['rbps', 'wbps', 'riops', 'wiops']);

/** v2 `io.max`: `8:0 rbps=max wbps=1048576 riops=max wiops=max` per limited device. */
export function parseIoMax(text: string, file: string): IoLimit[] {
  const out: IoLimit[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(/\s+/);
    if (device === undefined || device === '') continue;
    for (const pair of pairs) {
      const [key, raw] = pair.split('=');
      const value = toLimit(raw);
      if (key !== undefined && IO_KEYS.has(key) && value !== null) {
        out.push({ device, key: key as IoKey, value, file });
      }
    }
  }
  return out;
}

/** v1 `blkio.throttle.*_device`: `8:0 1048576` per limited device. */
export function parseV1Throttle(text: string, key: IoKey, file: string): IoLimit[] {
  const out: IoLimit[] = [];
  for (const line of text.split('\n')) {
    const [device, raw] = line.trim().split(/\s+/);
    const value = toLimit(raw);
    if (device && value !== null) out.push({ device, key, value, file });
  }
  return out;
}

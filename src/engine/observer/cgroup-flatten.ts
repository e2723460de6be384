/**
 * A cgroup's stats as `section.field → {file, value}`, so the sampler can say exactly which
 * value changed and in which file, without knowing the model's shape.
 */
import type { CgroupStats } from './cgroup-stats.js';

export interface FlatValue {
  file: string;
  value: unknown;
}

function isReading(v: unknown): v is FlatValue {
  return typeof v === 'object' && v !== null && 'file' in v && 'value' in v;
}

export function flattenStats(stats: CgroupStats): Map<string, FlatValue> {
  const out = new Map<string, FlatValue>();
  for (const [section, body] of Object.entries(stats)) {
    if (body === null || typeof body !== 'object') continue;
    for (const [field, v] of Object.entries(body as Record<string, unknown>)) {
      if (isReading(v)) out.set(`${section}.${field}`, v);
      else if (Array.isArray(v)) {
        v.forEach((r, i) => {
          if (isReading(r)) out.set(`${section}.${field}[${i}]`, r);
        });
      }
    }
  }
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Sizes as instructors write them (64M, 1G, 512k) and as cgroup files print them (bytes). */
import { phrase, type PhraseValue } from '../../i18n/phrase.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `64M` → 67108864; `max` → 'max'; undefined when it is not a size. */
export function parseSize(value: string | number): number | 'max' | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const t = value.trim();
  if (t === 'max') return 'max';
  const m = /^(\d+)\s*([kmgt]?)(i?b)?$/i.exec(t);
  if (m === null) return undefined;
  const unit = UNITS[(m[2] ?? '').toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/** 67108864 → `64 MiB (67108864)`: learners see both the unit and the number in the file. */
export function formatSize(bytes: number | 'max'): string {
  if (bytes === 'max') return 'max (no limit)';
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit} (${bytes})`;
  }
  return String(bytes);
}

/** formatSize for a check's result: `max (no limit)` said in the learner's language. */
export function sizePhrase(bytes: number | 'max'): PhraseValue {
  return bytes === 'max' ? phrase('check.size.max') : formatSize(bytes);
}

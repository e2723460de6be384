/** Reading several control files of one cgroup directory at once, keeping their paths. */
import type { Reading } from './cgroup-values.js';
import type { KernelSource } from './source.js';

export interface RawFile {
  file: string;
  text: string | undefined;
}

export async function readFiles<N extends string>(
  dir: string,
  source: KernelSource,
  names: readonly N[],
): Promise<Record<N, RawFile>> {
  const texts = await Promise.all(names.map((n) => source.readText(`${dir}/${n}`)));
  const out = {} as Record<N, RawFile>;
  names.forEach((name, i) => {
    out[name] = { file: `${dir}/${name}`, text: texts[i] };
  });
  return out;
}

export function reading<T>(
  raw: RawFile,
  parse: (text: string | undefined) => T | null,
): Reading<T> {
  return { file: raw.file, value: parse(raw.text) };
}

/** One key of a flat keyed file (cpu.stat, memory.events), optionally rescaled. */
export function flatKey(
  raw: RawFile,
  flat: Record<string, number> | null,
  key: string,
  scale = 1,
): Reading<number> {
  const v = flat?.[key];
  return { file: raw.file, value: v === undefined ? null : v * scale };
}

/**
 * A process's mount table against the host's, and overlay mounts decoded into their layers:
 * what a container runtime's pivot_root and overlayfs actually produced.
 */
import { unescapeMountPath } from '../cgroupfs.js';
import { parseMountinfo, type MountEntry } from './mountinfo.js';
import { liveSource, type KernelSource } from './source.js';

export interface OverlayLayers {
  /** Lower layers, top first, as the kernel stacks them. */
  lowerdir: string[];
  /** Data-only lower layers (after `::`, Linux 6.5+): file data, never names. */
  datadir: string[];
  upperdir: string | null;
  workdir: string | null;
}

/** Octal escapes (the kernel's) and backslash escapes (overlayfs's `\:`) in one pass. */
function unescapeLayer(path: string): string {
  return path.replace(/\\([0-7]{3}|.)/g, (_m, e: string) =>
    e.length === 3 ? String.fromCharCode(parseInt(e, 8)) : e,
  );
}

/** Splits a lowerdir value on `:` that overlayfs did not escape (`\:` is a colon in a name). */
function splitLayers(value: string): { layers: string[]; data: string[] } {
  const [regular, ...dataParts] = value.split(/(?<!\\)::/);
  const split = (s: string | undefined): string[] =>
    s === undefined || s === '' ? [] : s.split(/(?<!\\):/).map(unescapeLayer);
  return { layers: split(regular), data: dataParts.flatMap(split) };
}

export function decodeOverlay(mount: MountEntry): OverlayLayers | undefined {
  if (mount.fstype !== 'overlay') return undefined;
  const out: OverlayLayers = { lowerdir: [], datadir: [], upperdir: null, workdir: null };
  for (const option of mount.superOptions) {
    const eq = option.indexOf('=');
    if (eq < 0) continue;
    const key = option.slice(0, eq);
    // The kernel escapes layer paths in octal (\072 for a colon inside a name), so split
    // the raw text on ':' first and unescape each layer after.
    const raw = option.slice(eq + 1);
    const value = unescapeMountPath(raw);
    if (key === 'lowerdir') {
      const { layers, data } = splitLayers(raw);
      out.lowerdir.push(...layers);
      out.datadir.push(...data);
    } else if (key === 'lowerdir+') out.lowerdir.push(value);
    else if (key === 'datadir+') out.datadir.push(value);
    else if (key === 'upperdir') out.upperdir = value;
    else if (key === 'workdir') out.workdir = value;
  }
  return out;
}

/**
 * What makes two mounts in two tables "the same": where, which filesystem instance (device
 * number: a fresh proc or tmpfs gets a new one) and which directory of it.
 */
function mountKey(m: MountEntry): string {
  return `${m.mountPoint}\0${m.device}\0${m.fstype}\0${m.source}\0${m.root}`;
}

export interface MountDiff {
  /** Mounts only the process sees. */
  added: MountEntry[];
  /** Host mounts the process does not see. */
  removed: MountEntry[];
}

/**
 * Compares by mount point, device, type, source and root, not by mount ID: a new mount namespace
 * gets copies of the host's mounts with new IDs, which are still "the same mounts".
 */
export function diffMounts(process: MountEntry[], host: MountEntry[]): MountDiff {
  const hostKeys = new Set(host.map(mountKey));
  const procKeys = new Set(process.map(mountKey));
  return {
    added: process.filter((m) => !hostKeys.has(mountKey(m))),
    removed: host.filter((m) => !procKeys.has(mountKey(m))),
  };
}

export async function readMounts(
  pid: number | 'self',
  source: KernelSource = liveSource,
): Promise<MountEntry[] | undefined> {
  const text = await source.readText(`/proc/${pid}/mountinfo`);
  return text === undefined ? undefined : parseMountinfo(text);
}

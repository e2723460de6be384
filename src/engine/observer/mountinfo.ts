/**
 * /proc/PID/mountinfo, parsed completely (proc(5)):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)      (6)      (7)   (8)  (9)     (10)        (11)
 *
 * (7) is zero or more optional fields ending at the lone `-`. Paths escape space, tab,
 * newline and backslash as octal (`\040`).
 */
import { unescapeMountPath } from '../cgroupfs.js';

export interface Propagation {
  /** Peer group ID when the mount is shared (`shared:N`). */
  shared: number | null;
  /** Peer group it receives from when it is a slave (`master:N`). */
  master: number | null;
  /** Nearest dominant peer group visible here (`propagate_from:N`). */
  propagateFrom: number | null;
  unbindable: boolean;
  /** `shared`, `slave`, `shared,slave`, `unbindable` or `private`, as findmnt says. */
  kind: string;
}

export interface MountEntry {
  id: number;
  parentId: number;
  /** Device MAJ:MIN of the filesystem. */
  device: string;
  /** The directory of the filesystem that is mounted (not `/` for bind mounts). */
  root: string;
  mountPoint: string;
  options: string[];
  optionalFields: string[];
  propagation: Propagation;
  fstype: string;
  source: string;
  superOptions: string[];
}

function propagationOf(fields: string[]): Propagation {
  const num = (prefix: string): number | null => {
    const f = fields.find((x) => x.startsWith(prefix));
    return f === undefined ? null : Number(f.slice(prefix.length));
  };
  const shared = num('shared:');
  const master = num('master:');
  const unbindable = fields.includes('unbindable');
  const kinds = [shared !== null ? 'shared' : '', master !== null ? 'slave' : ''].filter(Boolean);
  if (unbindable) kinds.push('unbindable');
  return {
    shared,
    master,
    propagateFrom: num('propagate_from:'),
    unbindable,
    kind: kinds.length > 0 ? kinds.join(',') : 'private',
  };
}

/** Splits on commas that are not escaped (super options hold paths, which may have commas). */
export function splitOptions(text: string): string[] {
  return text === '' ? [] : text.split(/(?<!\\),/);
}

export function parseMountLine(line: string): MountEntry | undefined {
  const parts = line.split(' ');
  const dash = parts.indexOf('-', 6);
  if (dash < 0 || parts.length < dash + 3) return undefined;
  const [id, parentId, device, root, mountPoint, options] = parts;
  if (root === undefined || mountPoint === undefined || options === undefined) return undefined;
  const optionalFields = parts.slice(6, dash);
  return {
    id: Number(id),
    parentId: Number(parentId),
    device: device ?? '',
    root: unescapeMountPath(root),
    mountPoint: unescapeMountPath(mountPoint),
    options: splitOptions(options),
    optionalFields,
    propagation: propagationOf(optionalFields),
    fstype: parts[dash + 1] ?? '',
    source: unescapeMountPath(parts[dash + 2] ?? ''),
    superOptions: splitOptions(parts.slice(dash + 3).join(' ')),
  };
}

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseMountLine(line);
    if (entry !== undefined) out.push(entry);
  }
  return out;
}

/**
 * A minimal writer of the cpio "newc" format, the one the kernel unpacks an initramfs from.
 * Writing it here (a header of thirteen hex fields per file, 4-byte padding, a trailer)
 * keeps the VM independent of the host's cpio tool and lets the image be built in memory.
 */
import { gzipSync } from 'node:zlib';

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  /** A character device node (the kernel wants /dev/console before devtmpfs is mounted). */
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function record(
  ino: number,
  path: string,
  mode: number,
  data: Buffer,
  nlink: number,
  rdev: [number, number] = [0, 0],
): Buffer[] {
  const name = Buffer.from(`${path}\0`);
  // ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check
  const fields = [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, ...rdev, name.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  // The name is padded so that header + name ends on a 4-byte boundary; so is the data.
  return [header, name, pad4(header.length + name.length), data, pad4(data.length)];
}

/** The archive of `entries` (paths without a leading slash), gzip-compressed. */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, '');
    const none = Buffer.alloc(0);
    if (e.kind === 'dir') parts.push(...record(ino++, path, S_IFDIR | (e.mode ?? 0o755), none, 2));
    else if (e.kind === 'file')
      parts.push(...record(ino++, path, S_IFREG | (e.mode ?? 0o644), e.data, 1));
    else if (e.kind === 'chardev')
      parts.push(...record(ino++, path, S_IFCHR | (e.mode ?? 0o600), none, 1, [e.major, e.minor]));
    else parts.push(...record(ino++, path, S_IFLNK | 0o777, Buffer.from(e.target), 1));
  }
  parts.push(...record(0, 'TRAILER!!!', 0, Buffer.alloc(0), 1));
  return gzipSync(Buffer.concat(parts), { level: 1 });
}

/**
 * The whole disk a folder is on, as MAJOR:MINOR (what io.max and blkio rules name). The
 * filesystem's device may be a partition (vda1), or a device-mapper device (LVM, dm-crypt:
 * dm-0) stacked on one: sysfs knows the stack. Walk down through `slaves` to the device
 * underneath, then from a partition up to its disk. A folder on no block device (tmpfs, 9p,
 * overlay) falls back to the first real disk of the machine, if there is one.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// The kernel's encoding of a device number (glibc's gnu_dev_major/minor).
const major = (dev: bigint): bigint => ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
const minor = (dev: bigint): bigint => (dev & 0xffn) | ((dev >> 12n) & ~0xffn);

export function wholeDiskOf(folder: string): string | undefined {
  let name: string | undefined;
  try {
    const st = statSync(folder, { bigint: true });
    const link = `/sys/dev/block/${major(st.dev)}:${minor(st.dev)}`;
    if (existsSync(link)) name = basename(realpathSync(link));
  } catch {
    // not readable: try the fallback
  }
  name = name === undefined ? firstDisk() : diskUnder(name);
  if (name === undefined) return undefined;
  try {
    return readFileSync(`/sys/class/block/${name}/dev`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function diskUnder(start: string): string {
  let name = start;
  // Down the device-mapper stack: dm-0 -> its slave (a partition, or another dm device).
  for (let i = 0; i < 8; i++) {
    const slaves = list(`/sys/class/block/${name}/slaves`);
    if (slaves[0] === undefined) break;
    name = slaves[0];
  }
  // A partition's sysfs folder sits inside its disk's.
  if (existsSync(`/sys/class/block/${name}/partition`))
    name = basename(dirname(realpathSync(`/sys/class/block/${name}`)));
  return name;
}

function firstDisk(): string | undefined {
  return list('/sys/block').find((n) => !/^(loop|ram|zram|nbd|sr|fd)/.test(n) && size(n) > 0);
}

function size(name: string): number {
  try {
    return Number(readFileSync(join('/sys/block', name, 'size'), 'utf8'));
  } catch {
    return 0;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

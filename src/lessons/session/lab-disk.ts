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

export function wholeDiskOf(folder: string, sys = '/sys'): string | undefined {
  let device: string | undefined;
  try {
    const st = statSync(folder, { bigint: true });
    device = `${major(st.dev)}:${minor(st.dev)}`;
  } catch {
    // not readable: try the fallback
  }
  return (device === undefined ? undefined : wholeDiskOfDevice(device, sys)) ?? firstDisk(sys);
}

/** The whole disk under block device MAJOR:MINOR, or undefined if it is no block device. */
export function wholeDiskOfDevice(device: string, sys = '/sys'): string | undefined {
  const link = join(sys, 'dev', 'block', device);
  if (!existsSync(link)) return undefined;
  let name = basename(realpathSync(link));
  // Down the device-mapper stack: dm-0 -> its slave (a partition, or another dm device).
  for (let i = 0; i < 8; i++) {
    const slaves = list(join(sys, 'class', 'block', name, 'slaves'));
    if (slaves[0] === undefined) break;
    name = slaves[0];
  }
  // A partition's sysfs folder sits inside its disk's.
  if (existsSync(join(sys, 'class', 'block', name, 'partition')))
    name = basename(dirname(realpathSync(join(sys, 'class', 'block', name))));
  return devOf(sys, name);
}

function firstDisk(sys: string): string | undefined {
  const name = list(join(sys, 'block')).find(
    (n) => !/^(loop|ram|zram|nbd|sr|fd)/.test(n) && size(sys, n) > 0,
  );
  return name === undefined ? undefined : devOf(sys, name);
}

function devOf(sys: string, name: string): string | undefined {
  try {
    return readFileSync(join(sys, 'class', 'block', name, 'dev'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

function size(sys: string, name: string): number {
  try {
    return Number(readFileSync(join(sys, 'block', name, 'size'), 'utf8'));
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

/**
 * LAB_DISK, the whole disk an io limit names: on this machine the disk under the lab's
 * folder (the same the kernel lists in /sys/block, not a partition); and on a sysfs tree
 * laid out like an LVM-on-partition host (dm-0 on vda2 on vda), through the stack.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wholeDiskOf, wholeDiskOfDevice } from '../../src/lessons/session/lab-disk.js';

const tmp = mkdtempSync('/tmp/contlab-disk-');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the whole disk under a folder', () => {
  it('on this machine: a disk of /sys/block, the one findmnt and lsblk name', () => {
    const disk = wholeDiskOf('/');
    expect(disk).toMatch(/^\d+:\d+$/);
    const disks = readdirSync('/sys/block').map((n) =>
      execFileSync('cat', [`/sys/block/${n}/dev`], { encoding: 'utf8' }).trim(),
    );
    expect(disks).toContain(disk);
    const source = execFileSync('findmnt', ['-no', 'SOURCE', '-T', '/'], {
      encoding: 'utf8',
    }).trim();
    if (source.startsWith('/dev/')) {
      const parent = execFileSync('lsblk', ['-no', 'PKNAME', source], { encoding: 'utf8' }).trim();
      const name = parent.split('\n').pop() || source.slice('/dev/'.length);
      const want = execFileSync('lsblk', ['-dno', 'MAJ:MIN', `/dev/${name}`], { encoding: 'utf8' });
      expect(disk).toBe(want.trim());
    }
  });

  it('through LVM on a partition: dm-0 -> vda2 -> vda', () => {
    const sys = join(tmp, 'sys');
    const vda = join(sys, 'devices', 'pci0', 'virtio1', 'block', 'vda');
    const dm = join(sys, 'devices', 'virtual', 'block', 'dm-0');
    mkdirSync(join(vda, 'vda2'), { recursive: true });
    mkdirSync(join(dm, 'slaves', 'vda2'), { recursive: true });
    mkdirSync(join(sys, 'class', 'block'), { recursive: true });
    mkdirSync(join(sys, 'dev', 'block'), { recursive: true });
    writeFileSync(join(vda, 'dev'), '254:0\n');
    writeFileSync(join(vda, 'vda2', 'dev'), '254:2\n');
    writeFileSync(join(vda, 'vda2', 'partition'), '2\n');
    writeFileSync(join(dm, 'dev'), '253:0\n');
    symlinkSync(vda, join(sys, 'class', 'block', 'vda'));
    symlinkSync(join(vda, 'vda2'), join(sys, 'class', 'block', 'vda2'));
    symlinkSync(dm, join(sys, 'class', 'block', 'dm-0'));
    symlinkSync(dm, join(sys, 'dev', 'block', '253:0'));
    symlinkSync(join(vda, 'vda2'), join(sys, 'dev', 'block', '254:2'));
    expect(wholeDiskOfDevice('253:0', sys)).toBe('254:0');
    expect(wholeDiskOfDevice('254:2', sys)).toBe('254:0');
    expect(wholeDiskOfDevice('0:42', sys)).toBeUndefined();
  });
});

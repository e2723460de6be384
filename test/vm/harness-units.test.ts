/**
 * The VM harness's pure parts, checked against real tools where one exists: the initramfs
 * archive is listed by the host's cpio, the job file is sourced by a real sh, and the module
 * order is computed from a modules.dep in depmod's format.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { cpioNewc } from '../../src/engine/vm/cpio.js';
import { jobScript, shQuote } from '../../src/engine/vm/job.js';
import { loadOrder, parseModulesBuiltin, parseModulesDep } from '../../src/engine/vm/modules.js';
import { KERNEL_CMDLINE, qemuArgs } from '../../src/engine/vm/qemu-args.js';

describe('cpio newc writer', () => {
  test('the host cpio lists every entry with its type, size and device numbers', () => {
    const archive = cpioNewc([
      { kind: 'dir', path: 'bin' },
      { kind: 'file', path: 'bin/hello', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
      { kind: 'file', path: 'odd', data: Buffer.from('x'.repeat(5)) },
      { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
      { kind: 'chardev', path: 'console', major: 5, minor: 1 },
    ]);
    const r = spawnSync('cpio', ['-itv', '--quiet'], {
      input: gunzipSync(archive),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^drwxr-xr-x .* bin$/);
    expect(lines[1]).toMatch(/^-rwxr-xr-x .* 18 .* bin\/hello$/);
    expect(lines[2]).toMatch(/^-rw-r--r-- .* 5 .* odd$/);
    expect(lines[3]).toMatch(/^lrwxrwxrwx .* bin\/sh -> busybox$/);
    expect(lines[4]).toMatch(/^crw------- .* 5,\s*1 .* console$/);
    const content = spawnSync('cpio', ['-i', '--to-stdout', '--quiet', 'bin/hello'], {
      input: gunzipSync(archive),
      encoding: 'utf8',
    });
    expect(content.stdout).toBe('#!/bin/sh\necho hi\n');
  });
});

describe('job file', () => {
  test('a real sh sources it back into the same argv, directory and environment', () => {
    const argv = ['printf', '%s|', "it's", 'two words', '$HOME', '`id`', 'a\nb'];
    const script = jobScript({
      argv,
      cwd: "/tmp/a dir/it's",
      env: { GREETING: 'hello world', 'BAD-NAME': 'dropped', QUOTE: "'" },
      tty: false,
      rows: 24,
      cols: 80,
      modulesDir: '/lib/modules/x',
      disk: true,
    });
    const r = spawnSync(
      'sh',
      ['-c', `${script}\necho "$JOB_CWD"; echo "$GREETING"; echo "$QUOTE"; echo "$JOB_DISK"; "$@"`],
      { encoding: 'utf8', env: { PATH: process.env.PATH } },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`/tmp/a dir/it's\nhello world\n'\n1\nit's|two words|$HOME|\`id\`|a\nb|`);
    expect(script).not.toContain('BAD-NAME');
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe('module load order', () => {
  const dep = parseModulesDep(
    [
      'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_pci_legacy_dev.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_pci_modern_dev.ko:',
      'kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko',
      'kernel/drivers/virtio/virtio_ring.ko:',
      'kernel/fs/fuse/virtiofs.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko kernel/fs/fuse/fuse.ko',
      'kernel/fs/fuse/fuse.ko:',
    ].join('\n'),
  );

  test('every module comes after what it needs, each once', () => {
    const order = loadOrder(dep, ['virtio_pci', 'virtiofs']).map((m) => m.name);
    expect(new Set(order).size).toBe(order.length);
    const at = (n: string): number => order.indexOf(n);
    expect(at('virtio_ring')).toBeLessThan(at('virtio'));
    expect(at('virtio')).toBeLessThan(at('virtio_pci_legacy_dev'));
    expect(at('virtio_pci_legacy_dev')).toBeLessThan(at('virtio_pci'));
    expect(at('fuse')).toBeLessThan(at('virtiofs'));
    expect(order.at(-1)).toBe('virtiofs');
  });

  test('a built-in module is not loaded; a missing one is a clear error', () => {
    const builtin = parseModulesBuiltin('kernel/fs/fuse/fuse.ko\n');
    expect(loadOrder(dep, ['virtiofs'], builtin).map((m) => m.name)).not.toContain('fuse');
    expect(() => loadOrder(dep, ['overlay'])).toThrow(/guest kernel has no module overlay/);
  });
});

describe('qemu command line', () => {
  const spec = {
    accel: 'tcg' as const,
    memoryMiB: 1024,
    cpus: 2,
    vmlinuz: '/k/vmlinuz',
    initrd: '/w/initrd.gz',
    sockets: '/w',
    fsSocket: '/f/fs.sock',
    disk: undefined,
  };

  test('pure cgroup v2, shared memory for virtiofs, one socket per port', () => {
    const args = qemuArgs(spec);
    expect(KERNEL_CMDLINE).toContain('cgroup_no_v1=all');
    expect(KERNEL_CMDLINE).toContain('systemd.unified_cgroup_hierarchy=1');
    expect(args).toContain('memory-backend-memfd,id=mem,size=1024M,share=on');
    expect(args.join(' ')).toContain('vhost-user-fs-pci,chardev=fs,tag=hostroot');
    expect(args).toContain('socket,id=fs,path=/f/fs.sock');
    for (const port of ['ctl', 'out', 'err', 'agent'])
      expect(args).toContain(`socket,id=${port},path=/w/${port}.sock`);
    expect(args.join(' ')).not.toContain('virtio-blk');
    expect(qemuArgs({ ...spec, disk: '/w/lab.img' }).join(' ')).toContain(
      'file=/w/lab.img,format=raw',
    );
    expect(qemuArgs({ ...spec, accel: 'kvm' })).toEqual(expect.arrayContaining(['-cpu', 'host']));
  });
});

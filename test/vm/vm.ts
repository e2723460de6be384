/**
 * A throwaway cgroup-v2-only Linux VM for tests that need what this host cannot give (its
 * cgroup controllers are bound to v1 hierarchies). Debian's cloud kernel is downloaded with
 * `apt-get download` (never installed), a busybox initramfs is built with the files a test
 * needs, and qemu boots it under TCG with `cgroup_no_v1=all`. The init script prints lines
 * `RESULT <name> <PASS|FAIL> <detail>`; the VM powers off when it is done.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { cachedKernels } from '../../src/engine/vm/kernel.js';

export interface VmResult {
  name: string;
  pass: boolean;
  detail: string;
}

export interface VmRun {
  results: VmResult[];
  /** Blocks printed between `BEGIN-FILE <name>` and `END-FILE` lines. */
  files: Map<string, string>;
  console: string;
  seconds: number;
}

/**
 * Path of Debian's cloud kernel image: the one the lab's VM harness keeps in its cache
 * (src/engine/vm/kernel.ts), fetched by `contlab vm fetch` when none is there yet.
 */
export function cloudKernel(): string {
  const cached = (): string | undefined => cachedKernels().at(-1)?.vmlinuz;
  const found = cached();
  if (found !== undefined) return found;
  const r = spawnSync(join(repoRoot, 'bin', 'contlab'), ['vm', 'fetch'], { encoding: 'utf8' });
  const kernel = cached();
  if (kernel === undefined) throw new Error(`contlab vm fetch failed: ${r.stderr}`);
  return kernel;
}

/**
 * Boots the VM with `init` (a busybox sh script body, run as PID 1 after /proc, /sys, /dev,
 * /tmp and the cgroup2 tree are mounted) and `files` (path inside → path on the host).
 */
export function runVm(init: string, files: Record<string, string>, timeoutSec = 120): VmRun {
  const work = mkdtempSync('/tmp/contlab-vm-');
  try {
    const root = join(work, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
    for (const [inside, host] of Object.entries(files)) {
      mkdirSync(dirname(join(root, inside)), { recursive: true });
      copyFileSync(host, join(root, inside));
      chmodSync(join(root, inside), 0o755);
    }
    const prelude = [
      '#!/bin/busybox sh',
      '/bin/busybox --install -s /bin',
      'mkdir -p /proc /sys /dev /tmp /run',
      'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp; mount -t tmpfs run /run',
      'mount -t cgroup2 none /sys/fs/cgroup',
      'echo "+memory +pids +cpu +io" > /sys/fs/cgroup/cgroup.subtree_control',
      'result() { echo "RESULT $1 $2 $3"; }',
    ].join('\n');
    writeFileSync(join(root, 'init'), `${prelude}\n${init}\necho VM-DONE\npoweroff -f\n`, {
      mode: 0o755,
    });
    const initrd = join(work, 'initrd.gz');
    execFileSync('sh', [
      '-c',
      `cd '${root}' && find . | cpio -o -H newc 2>/dev/null | gzip -1 > '${initrd}'`,
    ]);
    const started = Date.now();
    const r = spawnSync(
      'timeout',
      [
        String(timeoutSec),
        'qemu-system-x86_64',
        '-accel',
        'tcg',
        '-cpu',
        'max',
        '-m',
        '512',
        '-smp',
        '1',
        '-kernel',
        cloudKernel(),
        '-initrd',
        initrd,
        '-append',
        'console=ttyS0 cgroup_no_v1=all panic=-1 quiet',
        '-nographic',
        '-no-reboot',
        '-nic',
        'none',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const out = (r.stdout ?? '').replace(/\r/g, '');
    if (!out.includes('VM-DONE')) {
      throw new Error(
        `the VM did not finish (exit ${r.status}): ${out.slice(-2000)} ${r.stderr ?? ''}`,
      );
    }
    return {
      results: parseResults(out),
      files: parseFiles(out),
      console: out,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function parseResults(out: string): VmResult[] {
  return [...out.matchAll(/^RESULT (\S+) (PASS|FAIL) ?(.*)$/gm)].map((m) => ({
    name: m[1] as string,
    pass: m[2] === 'PASS',
    detail: m[3] ?? '',
  }));
}

export function parseFiles(out: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of out.matchAll(/^BEGIN-FILE (\S+)\n([\s\S]*?)^END-FILE$/gm))
    files.set(m[1] as string, m[2] as string);
  return files;
}

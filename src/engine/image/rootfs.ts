/**
 * The lab's root filesystem, made offline from the host's statically linked busybox: one
 * binary, a symlink for every applet it has, and the few files in /etc a userland expects.
 * The result is deterministic (fixed content, sorted) so it can be content-addressed.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { LabError } from '../errors.js';
import { isStaticElf } from '../doctor.js';

export const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

export function hostBusybox(): string {
  const path = BUSYBOX_CANDIDATES.find((p) => existsSync(p) && isStaticElf(p));
  if (path === undefined) {
    throw new LabError('no statically linked busybox on this host', {
      remedy: 'apt-get install busybox-static',
    });
  }
  return path;
}

/** Applet paths relative to / (bin/sh, usr/bin/env ...), as busybox itself lists them. */
export function busyboxApplets(busybox: string): string[] {
  const out = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.includes('..'))
    .sort();
}

export const ETC_FILES: Record<string, string> = {
  'etc/passwd':
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
  'etc/hostname': 'contlab\n',
  'etc/hosts': '127.0.0.1\tlocalhost contlab\n::1\tlocalhost ip6-localhost ip6-loopback\n',
  'etc/os-release':
    'NAME="contlab busybox"\nID=contlab\nPRETTY_NAME="contlab lab image (busybox)"\nVERSION_ID="1"\nHOME_URL="https://github.com/contlab/contlab"\n',
  'etc/resolv.conf': '',
  'etc/motd': 'Welcome to the contlab lab image: busybox on your own kernel.\n',
};

const DIRS = [
  'bin',
  'sbin',
  'usr/bin',
  'usr/sbin',
  'dev',
  'proc',
  'sys',
  'tmp',
  'etc',
  'root',
  'var/tmp',
  'mnt',
  'run',
  'home',
];

/**
 * Writes a complete busybox root filesystem into `target` (which must not exist yet).
 * Every mode is set explicitly (never left to the umask), so the same busybox always gives
 * the same tree and therefore the same image layer digest.
 */
export function writeRootfs(target: string, busybox = hostBusybox()): void {
  mkdirSync(target, { recursive: false });
  chmodSync(target, 0o755);
  for (const d of DIRS) {
    mkdirSync(join(target, d), { recursive: true });
    // `recursive` also made the parents (usr, var): fix the modes of every level.
    for (let p = d; p !== '.'; p = dirname(p)) chmodSync(join(target, p), 0o755);
  }
  chmodSync(join(target, 'tmp'), 0o1777);
  chmodSync(join(target, 'var/tmp'), 0o1777);
  chmodSync(join(target, 'root'), 0o700);
  copyFileSync(busybox, join(target, 'bin/busybox'));
  chmodSync(join(target, 'bin/busybox'), 0o755);
  for (const applet of busyboxApplets(busybox)) {
    const link = join(target, applet);
    if (applet === 'bin/busybox' || existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(target, 'bin/busybox')), link);
  }
  for (const [path, content] of Object.entries(ETC_FILES)) {
    writeFileSync(join(target, path), content);
    chmodSync(join(target, path), 0o644);
  }
}

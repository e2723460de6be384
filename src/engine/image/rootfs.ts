/**
 * The lab's root filesystem, made offline from the host's statically linked busybox: one
 * binary, a symlink for every applet it has, and the few files in /etc a userland expects.
 * The result is deterministic (fixed content, sorted) so it can be content-addressed.
 */
import { phrase } from '../../i18n/phrase.js';
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  promises as fsp,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { promisify } from 'node:util';
import { dirname, join, relative } from 'node:path';
import { LabError } from '../errors.js';
import { isStaticElf } from '../doctor.js';

const execFileAsync = promisify(execFile);

export const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

export function hostBusybox(): string {
  const path = BUSYBOX_CANDIDATES.find((p) => existsSync(p) && isStaticElf(p));
  if (path === undefined) {
    throw new LabError(phrase('error.image.noBusybox'), {
      remedy: phrase('error.notInstalled.remedy', { pkg: 'busybox-static' }),
    });
  }
  return path;
}

/** Applet paths relative to / (bin/sh, usr/bin/env ...), as busybox itself lists them. */
export function busyboxApplets(busybox: string): string[] {
  return parseApplets(execFileSync(busybox, ['--list-full'], { encoding: 'utf8' }));
}

function parseApplets(listing: string): string[] {
  return listing
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

/** What a root filesystem is made of, in the order it is made (see writeRootfs). */
interface RootfsPlan {
  /** Directories and the mode of each, parents first. */
  dirs: [string, number][];
  /** The busybox binary's path inside the tree. */
  binary: string;
  /** Applet symlinks: [path, target], each target relative to its link. */
  links: [string, string][];
  files: [string, string][];
}

/** Every directory of DIRS and each of its parents (usr, var), parents first, with modes. */
function planDirs(): [string, number][] {
  const modes = new Map<string, number>();
  for (const d of DIRS)
    for (let p = d; p !== '.'; p = dirname(p)) if (!modes.has(p)) modes.set(p, 0o755);
  modes.set('tmp', 0o1777);
  modes.set('var/tmp', 0o1777);
  modes.set('root', 0o700);
  return [...modes].sort(([a], [b]) => a.split('/').length - b.split('/').length);
}

function planRootfs(applets: readonly string[]): RootfsPlan {
  const dirs = planDirs();
  const made = new Set(dirs.map(([d]) => d));
  const binary = 'bin/busybox';
  const links: [string, string][] = [];
  for (const applet of applets) {
    if (applet === binary || made.has(applet)) continue;
    made.add(applet);
    // An applet in a folder DIRS lacks (none today): the folder too.
    if (dirname(applet) !== '.' && !made.has(dirname(applet))) {
      dirs.push([dirname(applet), 0o755]);
      made.add(dirname(applet));
    }
    links.push([applet, relative(dirname(applet), binary)]);
  }
  return { dirs, binary, links, files: Object.entries(ETC_FILES) };
}

/**
 * Writes a complete busybox root filesystem into `target` (which must not exist yet).
 * Every mode is set explicitly (never left to the umask), so the same busybox always gives
 * the same tree and therefore the same image layer digest.
 */
export function writeRootfs(target: string, busybox = hostBusybox()): void {
  const plan = planRootfs(busyboxApplets(busybox));
  mkdirSync(target);
  chmodSync(target, 0o755);
  for (const [d, mode] of plan.dirs) {
    mkdirSync(join(target, d));
    chmodSync(join(target, d), mode);
  }
  copyFileSync(busybox, join(target, plan.binary));
  chmodSync(join(target, plan.binary), 0o755);
  for (const [link, to] of plan.links) symlinkSync(to, join(target, link));
  for (const [path, content] of plan.files) {
    writeFileSync(join(target, path), content);
    chmodSync(join(target, path), 0o644);
  }
}

/**
 * writeRootfs without blocking: the same tree, its ~300 symlinks and files made in
 * parallel on libuv's threads while the caller goes on (the lesson player shows its first
 * frame meanwhile; on a busy ext4 journal the symlinks alone can take 100 ms).
 */
export async function writeRootfsAsync(target: string, busybox = hostBusybox()): Promise<void> {
  const listed = await execFileAsync(busybox, ['--list-full'], { encoding: 'utf8' });
  const plan = planRootfs(parseApplets(listed.stdout));
  await fsp.mkdir(target);
  await fsp.chmod(target, 0o755);
  for (const [d, mode] of plan.dirs) {
    await fsp.mkdir(join(target, d));
    await fsp.chmod(join(target, d), mode);
  }
  const binary = join(target, plan.binary);
  await Promise.all([
    fsp.copyFile(busybox, binary).then(() => fsp.chmod(binary, 0o755)),
    ...plan.links.map(([link, to]) => fsp.symlink(to, join(target, link))),
    ...plan.files.map(([path, content]) =>
      fsp.writeFile(join(target, path), content).then(() => fsp.chmod(join(target, path), 0o644)),
    ),
  ]);
}

/**
 * The VM's initramfs, in two gzip'd cpio archives the kernel unpacks one after the other:
 * the base (busybox, the modules stage 1 loads, stage1.sh as /init), cached per kernel and
 * stage-1 script, and a small per-run archive holding the job (/contlab/env). The job thus
 * travels inside the VM's memory, and no file on the host is needed once qemu has started.
 */
import { phrase } from '../../i18n/phrase.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { repoRoot } from '../repo.js';
import { cpioNewc, type CpioEntry } from './cpio.js';
import type { GuestKernel } from './kernel.js';
import { vmCacheDir } from './kernel.js';
import { initramfsModules } from './modules.js';

export const GUEST_DIR = join(repoRoot, 'src', 'engine', 'vm', 'guest');
export const STAGE1 = join(GUEST_DIR, 'stage1.sh');
export const STAGE2 = join(GUEST_DIR, 'stage2.sh');
/** A statically linked busybox (Debian's busybox-static): the initramfs has no libc. */
export const BUSYBOX = '/bin/busybox';

function baseEntries(kernel: GuestKernel): CpioEntry[] {
  if (!existsSync(BUSYBOX))
    throw new LabError(phrase('error.vm.noBusybox', { path: BUSYBOX }), {
      remedy: phrase('error.vm.installOrSetup', {
        command: 'sudo apt-get install busybox-static',
        setup: 'sudo scripts/setup.sh',
      }),
    });
  const modules = initramfsModules(kernel.modulesDir);
  const entries: CpioEntry[] = [
    ...['bin', 'dev', 'proc', 'sys', 'contlab', 'contlab/modules'].map((path): CpioEntry => ({
      kind: 'dir',
      path,
    })),
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', data: readFileSync(BUSYBOX), mode: 0o755 },
    { kind: 'file', path: 'init', data: readFileSync(STAGE1), mode: 0o755 },
    {
      kind: 'file',
      path: 'contlab/modules.order',
      data: Buffer.from(modules.map((m) => m.name).join('\n') + '\n'),
    },
  ];
  for (const m of modules)
    entries.push({
      kind: 'file',
      path: `contlab/modules/${m.name}.ko`,
      data: readFileSync(join(kernel.modulesDir, m.path)),
    });
  return entries;
}

/** The base archive for `kernel`, built once and kept in the VM cache. */
export function baseInitramfs(kernel: GuestKernel): Buffer {
  const key = createHash('sha256')
    .update(kernel.packageName)
    .update(readFileSync(STAGE1))
    .update(String(existsSync(BUSYBOX) ? readFileSync(BUSYBOX).length : 0))
    .digest('hex')
    .slice(0, 16);
  const dir = join(vmCacheDir(), 'initramfs');
  const file = join(dir, `${kernel.release}-${key}.cpio.gz`);
  if (existsSync(file)) return readFileSync(file);
  const archive = cpioNewc(baseEntries(kernel));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${file}.tmp`, archive);
  renameSync(`${file}.tmp`, file);
  return archive;
}

/** The whole initrd for one run: the cached base, then the job's own archive. */
export function initrdWithJob(kernel: GuestKernel, env: string): Buffer {
  const job = cpioNewc([
    { kind: 'dir', path: 'contlab' },
    { kind: 'file', path: 'contlab/env', data: Buffer.from(env) },
  ]);
  return Buffer.concat([baseInitramfs(kernel), job]);
}

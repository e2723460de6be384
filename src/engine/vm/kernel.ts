/**
 * The guest kernel: Debian's cloud kernel package, fetched with `apt-get download` (so apt
 * checks its signature against the host's Debian archive keys), unpacked into the VM cache
 * and given a modules.dep by `depmod`. It is never installed on the host and never comes
 * from anywhere but Debian's archive. Once cached, the VM works offline.
 */
import { phrase } from '../../i18n/phrase.js';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { arch, homedir } from 'node:os';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { run, which } from '../exec.js';
import { isRoot } from '../paths.js';

/** The metapackage that always depends on Debian's current cloud kernel. */
export const KERNEL_METAPACKAGE = 'linux-image-cloud-amd64';

export interface GuestKernel {
  /** The Debian package it came from, e.g. linux-image-6.1.0-57-cloud-amd64. */
  packageName: string;
  /** `uname -r` inside the guest. */
  release: string;
  vmlinuz: string;
  /** /lib/modules/<release> of the package, with modules.dep. */
  modulesDir: string;
}

export function vmCacheDir(): string {
  const fromEnv = process.env.CONTLAB_VM_CACHE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (isRoot()) return '/var/cache/contlab-vm';
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'contlab', 'vm');
}

function kernelsDir(): string {
  return join(vmCacheDir(), 'kernels');
}

/** The kernel unpacked in `dir` (a cache entry), or undefined when it is incomplete. */
function kernelIn(dir: string, packageName: string): GuestKernel | undefined {
  const boot = join(dir, 'boot');
  const modules = join(dir, 'lib', 'modules');
  if (!existsSync(boot) || !existsSync(modules)) return undefined;
  const vmlinuz = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  const release = readdirSync(modules)[0];
  if (vmlinuz === undefined || release === undefined) return undefined;
  const modulesDir = join(modules, release);
  if (!existsSync(join(modulesDir, 'modules.dep'))) return undefined;
  return { packageName, release, vmlinuz: join(boot, vmlinuz), modulesDir };
}

/** Every complete kernel in the cache, newest package name last. */
export function cachedKernels(): GuestKernel[] {
  const dir = kernelsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('linux-image-'))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((name) => kernelIn(join(dir, name), name))
    .filter((k): k is GuestKernel => k !== undefined);
}

/** The package the metapackage points at today, or undefined when apt does not know it. */
async function currentKernelPackage(): Promise<string | undefined> {
  if (which('apt-cache') === undefined) return undefined;
  const r = await run('apt-cache', ['depends', KERNEL_METAPACKAGE]);
  return /Depends: (linux-image-\S+-cloud-amd64)/.exec(r.stdout)?.[1];
}

const FETCH_REMEDY = phrase('error.vm.fetch.remedy', {
  command: '`sudo apt-get update && contlab vm fetch`',
});

/** Downloads (or takes from apt's own cache) the .deb of `pkg` into `dir`. */
async function downloadDeb(pkg: string, dir: string): Promise<string> {
  const archived = '/var/cache/apt/archives';
  const local = existsSync(archived)
    ? readdirSync(archived).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))
    : undefined;
  if (local !== undefined) return join(archived, local);
  const r = await run('apt-get', ['download', pkg], { cwd: dir, timeoutMs: 300_000 });
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (r.code !== 0 || deb === undefined) {
    const why = (r.stderr.trim().split('\n').pop() ?? r.spawnError ?? '').trim();
    const command = `apt-get download ${pkg}`;
    throw new LabError(phrase('error.vm.download', { command, why }), {
      remedy: FETCH_REMEDY,
    });
  }
  return join(dir, deb);
}

/** Unpacks `deb` into the cache as `pkg` (atomically: a rename of a finished directory). */
async function unpack(deb: string, pkg: string, scratch: string): Promise<GuestKernel> {
  const tree = join(scratch, 'tree');
  mkdirSync(tree);
  const x = await run('dpkg-deb', ['-x', deb, tree], { timeoutMs: 120_000 });
  if (x.code !== 0) throw new LabError(`dpkg-deb -x ${deb}: ${x.stderr.trim() || x.spawnError}`);
  const release = readdirSync(join(tree, 'lib', 'modules'))[0];
  if (release === undefined)
    throw new LabError(phrase('error.vm.packageHolds', { pkg, what: '/lib/modules' }));
  const d = await run('depmod', ['-b', tree, release], { timeoutMs: 120_000 });
  if (d.code !== 0)
    throw new LabError(`depmod -b ${tree} ${release}: ${d.stderr.trim() || d.spawnError}`);
  const final = join(kernelsDir(), pkg);
  rmSync(final, { recursive: true, force: true });
  renameSync(tree, final);
  const kernel = kernelIn(final, pkg);
  if (kernel === undefined)
    throw new LabError(phrase('error.vm.packageHolds', { pkg, what: 'vmlinuz' }));
  return kernel;
}

/**
 * The guest kernel: the cached one that matches Debian's current cloud kernel, fetched when
 * missing. Offline (apt knows nothing, or the download fails) the newest cached kernel is
 * used; with none cached, a LabError says how to get one.
 */
export async function guestKernel(options: { fetch?: boolean } = {}): Promise<GuestKernel> {
  if (arch() !== 'x64') throw new LabError(phrase('error.vm.x86Only', { arch: arch() }));
  const cached = cachedKernels();
  const wanted = await currentKernelPackage();
  const match = cached.find((k) => k.packageName === wanted);
  if (match !== undefined) return match;
  if (options.fetch === false || wanted === undefined) {
    const newest = cached.at(-1);
    if (newest !== undefined) return newest;
    throw new LabError(
      wanted === undefined
        ? phrase('error.vm.noMetapackage', { pkg: KERNEL_METAPACKAGE })
        : phrase('error.vm.noCachedKernel', { dir: kernelsDir() }),
      { remedy: FETCH_REMEDY },
    );
  }
  mkdirSync(kernelsDir(), { recursive: true });
  const scratch = mkdtempSync(join(kernelsDir(), '.fetch-'));
  try {
    const deb = await downloadDeb(wanted, scratch);
    return await unpack(deb, wanted, scratch);
  } catch (err) {
    // A failed download with an older kernel cached still gives a working (offline) VM.
    const newest = cached.at(-1);
    if (newest !== undefined && err instanceof LabError && err.message.startsWith('no kernel'))
      return newest;
    throw err;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Which kernel modules the initramfs loads, in an order insmod accepts: every module after
 * the modules it depends on, read from the kernel package's modules.dep (made by depmod).
 */
import { phrase } from '../../i18n/phrase.js';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LabError } from '../errors.js';

/** What stage 1 needs before it can mount the host's root: virtio PCI, virtiofs, overlay. */
export const INITRAMFS_MODULES = ['virtio_pci', 'virtiofs', 'overlay', 'virtio_console'];

export interface ModuleFile {
  name: string;
  /** Path relative to /lib/modules/<release>. */
  path: string;
}

const nameOf = (path: string): string => basename(path).replace(/\.ko(\.\w+)?$/, '');

/** Parses modules.dep into module name -> (its file, the files it depends on). */
export function parseModulesDep(text: string): Map<string, { path: string; deps: string[] }> {
  const out = new Map<string, { path: string; deps: string[] }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    const deps = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    out.set(nameOf(path), { path, deps });
  }
  return out;
}

/** `wanted` and everything they need, dependencies first, each once. */
export function loadOrder(
  dep: Map<string, { path: string; deps: string[] }>,
  wanted: readonly string[],
  builtin: ReadonlySet<string> = new Set(),
): ModuleFile[] {
  const order: ModuleFile[] = [];
  const seen = new Set<string>();
  const visit = (name: string, chain: string[]): void => {
    if (seen.has(name) || builtin.has(name)) return;
    const entry = dep.get(name);
    if (entry === undefined)
      throw new LabError(
        phrase('error.vm.noModule', {
          name,
          chain: chain.length > 0 ? chain.join(' <- ') : phrase('error.vm.theVm'),
        }),
      );
    seen.add(name);
    for (const d of entry.deps) visit(nameOf(d), [name, ...chain]);
    order.push({ name, path: entry.path });
  };
  for (const name of wanted) visit(name, []);
  return order;
}

/** Names of the modules compiled into the kernel (modules.builtin): nothing to load. */
export function parseModulesBuiltin(text: string): Set<string> {
  return new Set(text.split('\n').filter(Boolean).map(nameOf));
}

export function initramfsModules(modulesDir: string): ModuleFile[] {
  const dep = parseModulesDep(readFileSync(join(modulesDir, 'modules.dep'), 'utf8'));
  let builtin = new Set<string>();
  try {
    builtin = parseModulesBuiltin(readFileSync(join(modulesDir, 'modules.builtin'), 'utf8'));
  } catch {
    // an old package without modules.builtin: everything must then be a module
  }
  return loadOrder(dep, INITRAMFS_MODULES, builtin);
}

/**
 * doctor's line about `contlab --vm`: whether the whole lab can run in the VM here, and how
 * fast (KVM, or software emulation with the last measured boot time). It never boots a VM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../doctor.js';
import { vmCacheDir } from './kernel.js';
import { vmInfo } from './info.js';
import type { Accel } from './qemu-args.js';

interface LastBoot {
  accel: Accel;
  bootMs: number;
}

const lastBootFile = (): string => join(vmCacheDir(), 'last-boot.json');

/** Remembers how long the last boot took, for doctor to report (best effort). */
export function recordBoot(boot: LastBoot): void {
  try {
    writeFileSync(lastBootFile(), JSON.stringify(boot));
  } catch {
    // a cache this user cannot write: doctor then only says which accelerator
  }
}

function lastBoot(): LastBoot | undefined {
  try {
    const b = JSON.parse(readFileSync(lastBootFile(), 'utf8')) as Partial<LastBoot>;
    return typeof b.bootMs === 'number' && (b.accel === 'kvm' || b.accel === 'tcg')
      ? { accel: b.accel, bootMs: b.bootMs }
      : undefined;
  } catch {
    return undefined;
  }
}

export async function vmCheck(): Promise<Check> {
  const info = await vmInfo();
  const boot = lastBoot();
  const speed =
    boot === undefined
      ? info.accel
      : `${info.accel}; last boot ${(boot.bootMs / 1000).toFixed(1)} s (${boot.accel.toUpperCase()})`;
  return {
    name: 'VM (--vm)',
    status: info.available ? 'ok' : 'warn',
    detail: info.available ? `available: ${speed}` : `not available: ${info.problem ?? ''}`,
    remedy: info.available
      ? ''
      : info.problem?.includes('kernel')
        ? 'contlab vm fetch (once, online; the set-up command does it)'
        : 'sudo apt-get install qemu-system-x86 (or run the set-up command)',
    required: false,
  };
}

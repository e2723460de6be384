/**
 * doctor's line about `contlab --vm`: whether the whole lab can run in the VM here, and how
 * fast (KVM, or software emulation with the last measured boot time). It never boots a VM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { madeCheck, type Check } from '../doctor-check.js';
import { phrase } from '../../i18n/phrase.js';
import { vmCacheDir } from './kernel.js';
import { vmInfoSaid } from './info.js';
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
  const { info, accelSaid, problemSaid } = await vmInfoSaid();
  const boot = lastBoot();
  const speed =
    boot === undefined
      ? accelSaid
      : phrase('doctor.vm.speed', {
          accel: accelSaid,
          seconds: (boot.bootMs / 1000).toFixed(1),
          last: boot.accel.toUpperCase(),
        });
  return madeCheck(
    phrase('doctor.name.vm', { flag: '--vm' }),
    info.available ? 'ok' : 'warn',
    info.available
      ? phrase('doctor.vm.available', { speed })
      : phrase('doctor.vm.unavailable', { problem: problemSaid ?? info.problem ?? '' }),
    info.available
      ? ''
      : info.problem?.includes('kernel')
        ? phrase('doctor.vm.fetch', { command: 'contlab vm fetch' })
        : phrase('doctor.vm.qemu', { command: 'sudo apt-get install qemu-system-x86' }),
    false,
  );
}

/** What the VM would use on this machine, without booting it (for `vm info` and doctor). */
import { messageOf } from '../errors.js';
import { knownKvmVerdict } from './accel.js';
import { cachedKernels, vmCacheDir } from './kernel.js';
import { kvmAccessible, vmTools } from './tools.js';

export interface VmInfo {
  available: boolean;
  problem: string | undefined;
  kernel: string | undefined;
  qemu: string | undefined;
  virtiofsd: string | undefined;
  /** kvm, tcg, or 'not probed yet' when /dev/kvm is accessible but no boot was tried. */
  accel: string;
  /** Why KVM was not used, when it was tried. */
  kvmProblem: string | undefined;
  cache: string;
}

export async function vmInfo(): Promise<VmInfo> {
  const kernel = cachedKernels().at(-1);
  const info: VmInfo = {
    available: false,
    problem: undefined,
    kernel: kernel?.packageName,
    qemu: undefined,
    virtiofsd: undefined,
    accel: 'tcg',
    kvmProblem: undefined,
    cache: vmCacheDir(),
  };
  try {
    const tools = vmTools();
    info.qemu = tools.qemu;
    info.virtiofsd = tools.virtiofsd;
    if (kvmAccessible()) {
      const verdict = kernel === undefined ? undefined : knownKvmVerdict(kernel, tools);
      info.accel =
        verdict === undefined
          ? 'kvm if it boots (not probed yet)'
          : verdict.kvm
            ? 'kvm'
            : 'tcg (software emulation: KVM does not boot the guest here)';
      if (verdict !== undefined && !verdict.kvm) info.kvmProblem = verdict.detail;
    } else info.accel = 'tcg (software emulation: no accessible /dev/kvm)';
    if (kernel === undefined) info.problem = 'no guest kernel cached yet: contlab vm fetch';
    else info.available = true;
  } catch (err) {
    info.problem = messageOf(err);
  }
  return info;
}

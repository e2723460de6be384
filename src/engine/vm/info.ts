/** What the VM would use on this machine, without booting it (for `vm info` and doctor). */
import { LabError, messageOf } from '../errors.js';
import { english, phrase, type PhraseValue } from '../../i18n/phrase.js';
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

/** VmInfo, with its accelerator and problem as phrases, to be said in the language. */
export interface VmInfoSaid {
  info: VmInfo;
  accelSaid: PhraseValue;
  problemSaid?: PhraseValue;
}

export async function vmInfo(): Promise<VmInfo> {
  return (await vmInfoSaid()).info;
}

/**
 * vmInfo, and its accelerator and problem as phrases for doctor and `vm info` to say in the
 * learner's language (`vm info --json` shows the English `problem` only).
 */
export async function vmInfoSaid(): Promise<VmInfoSaid> {
  let problemSaid: PhraseValue | undefined;
  let accelSaid: PhraseValue = 'tcg';
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
      accelSaid =
        verdict === undefined
          ? phrase('vm.info.kvmUnprobed')
          : verdict.kvm
            ? 'kvm'
            : phrase('vm.info.tcgNoBoot');
      if (verdict !== undefined && !verdict.kvm) info.kvmProblem = verdict.detail;
    } else accelSaid = phrase('vm.info.tcgNoKvm', { path: '/dev/kvm' });
    info.accel = english(accelSaid);
    if (kernel === undefined) {
      info.problem = 'no guest kernel cached yet: contlab vm fetch';
      problemSaid = phrase('vm.info.noKernel', { command: 'contlab vm fetch' });
    } else info.available = true;
  } catch (err) {
    info.problem = messageOf(err);
    if (err instanceof LabError && err.said !== undefined) problemSaid = err.said;
  }
  return problemSaid === undefined ? { info, accelSaid } : { info, accelSaid, problemSaid };
}

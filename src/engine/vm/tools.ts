/** The host programs a VM needs, found or refused with the package that provides them. */
import { phrase } from '../../i18n/phrase.js';
import { accessSync, constants, existsSync } from 'node:fs';
import { LabError } from '../errors.js';
import { which } from '../exec.js';
import type { VirtiofsdFlavour } from './qemu-args.js';

export interface VmTools {
  qemu: string;
  virtiofsd: string;
  virtiofsdFlavour: VirtiofsdFlavour;
  /** util-linux setpriv, to give qemu and virtiofsd a parent-death signal. */
  setpriv: string | undefined;
  /** util-linux unshare and shadow's newuidmap: virtiofsd without root (see machine.ts). */
  unshare: string | undefined;
  newuidmap: string | undefined;
}

const INSTALL = phrase('error.vm.installOrSetup', {
  command: 'sudo apt-get install qemu-system-x86',
  setup: 'sudo scripts/setup.sh',
});

/** Debian 12's qemu ships the C virtiofsd; Debian 13 and Ubuntu have the Rust one. */
const VIRTIOFSD: [string, VirtiofsdFlavour][] = [
  ['/usr/libexec/virtiofsd', 'rust'],
  ['/usr/lib/qemu/virtiofsd', 'c'],
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function vmTools(): VmTools {
  const qemu = which('qemu-system-x86_64');
  if (qemu === undefined)
    throw new LabError(phrase('error.vm.noQemu', { bin: 'qemu-system-x86_64' }), {
      remedy: INSTALL,
    });
  const found = VIRTIOFSD.find(([path]) => existsSync(path) && executable(path));
  const onPath = which('virtiofsd');
  const virtiofsd: [string, VirtiofsdFlavour] | undefined =
    found ?? (onPath === undefined ? undefined : [onPath, 'rust']);
  if (virtiofsd === undefined)
    throw new LabError(phrase('error.vm.noVirtiofsd'), {
      remedy: phrase('error.vm.noVirtiofsd.remedy', {
        install: INSTALL,
        command: 'sudo apt-get install virtiofsd',
      }),
    });
  return {
    qemu,
    virtiofsd: virtiofsd[0],
    virtiofsdFlavour: virtiofsd[1],
    setpriv: which('setpriv'),
    unshare: which('unshare'),
    newuidmap: which('newuidmap'),
  };
}

/** Whether this user can open /dev/kvm for reading and writing. */
export function kvmAccessible(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

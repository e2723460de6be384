/**
 * The image platform of this host, in the words OCI uses (GOARCH names), so that containerd
 * and docker accept the image as runnable here without a --platform flag.
 */
import { phrase } from '../../i18n/phrase.js';
import { machine } from 'node:os';
import { LabError } from '../errors.js';

export interface Platform {
  os: 'linux';
  architecture: string;
  variant?: string;
}

const BY_MACHINE: Record<string, Omit<Platform, 'os'>> = {
  x86_64: { architecture: 'amd64' },
  aarch64: { architecture: 'arm64', variant: 'v8' },
  armv7l: { architecture: 'arm', variant: 'v7' },
  armv6l: { architecture: 'arm', variant: 'v6' },
  i686: { architecture: '386' },
  i386: { architecture: '386' },
  ppc64le: { architecture: 'ppc64le' },
  s390x: { architecture: 's390x' },
  riscv64: { architecture: 'riscv64' },
};

export function hostPlatform(uname = machine()): Platform {
  const known = BY_MACHINE[uname];
  if (known === undefined) throw new LabError(phrase('error.image.platform', { machine: uname }));
  return { os: 'linux', ...known };
}

/**
 * Capability masks, decoded to the names learners see in man capabilities(7) and in
 * `capsh --decode`. The kernel says how many capabilities it knows in
 * /proc/sys/kernel/cap_last_cap; a bit this table has no name for is shown as its number,
 * as libcap does, so a newer kernel never breaks decoding.
 */
import type { CapSetsHex } from './proc-parse.js';
import { liveSource, type KernelSource } from './source.js';

/** Names by bit number, from linux/capability.h (Linux 5.9 added 40, checkpoint_restore). */
export const CAP_NAMES: readonly string[] = [
  'cap_chown',
  'cap_dac_override',
  'cap_dac_read_search',
  'cap_fowner',
  'cap_fsetid',
  'cap_kill',
  'cap_setgid',
  'cap_setuid',
  'cap_setpcap',
  'cap_linux_immutable',
  'cap_net_bind_service',
  'cap_net_broadcast',
  'cap_net_admin',
  'cap_net_raw',
  'cap_ipc_lock',
  'cap_ipc_owner',
  'cap_sys_module',
  'cap_sys_rawio',
  'cap_sys_chroot',
  'cap_sys_ptrace',
  'cap_sys_pacct',
  'cap_sys_admin',
  'cap_sys_boot',
  'cap_sys_nice',
  'cap_sys_resource',
  'cap_sys_time',
  'cap_sys_tty_config',
  'cap_mknod',
  'cap_lease',
  'cap_audit_write',
  'cap_audit_control',
  'cap_setfcap',
  'cap_mac_override',
  'cap_mac_admin',
  'cap_syslog',
  'cap_wake_alarm',
  'cap_block_suspend',
  'cap_audit_read',
  'cap_perfmon',
  'cap_bpf',
  'cap_checkpoint_restore',
];

export function capName(bit: number): string {
  return CAP_NAMES[bit] ?? String(bit);
}

/** The highest capability number this kernel knows (40 on 5.9+), or undefined. */
export async function readCapLastCap(
  source: KernelSource = liveSource,
): Promise<number | undefined> {
  const text = await source.readText('/proc/sys/kernel/cap_last_cap');
  const n = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(n) ? n : undefined;
}

export function parseCapMask(hex: string): bigint {
  return BigInt(`0x${hex.replace(/^0x/i, '') || '0'}`);
}

/** Bit numbers set in `mask`, lowest first. */
export function capBits(mask: bigint): number[] {
  const bits: number[] = [];
  for (let bit = 0; mask >> BigInt(bit) !== 0n; bit++) {
    if ((mask >> BigInt(bit)) & 1n) bits.push(bit);
  }
  return bits;
}

export function decodeCaps(mask: bigint): string[] {
  return capBits(mask).map(capName);
}

/** The same text as `capsh --decode=HEX`: `0x000001fffeffffff=cap_chown,...`. */
export function capshDecode(mask: bigint): string {
  return `0x${mask.toString(16).padStart(16, '0')}=${decodeCaps(mask).join(',')}`;
}

/** Every capability the kernel knows, as one mask (what a full root process has). */
export function fullMask(lastCap: number): bigint {
  return (1n << BigInt(lastCap + 1)) - 1n;
}

export interface CapSetDiff {
  /** Held by the reference (the host's pid 1) but not here. */
  dropped: string[];
  /** Held here but not by the reference. */
  added: string[];
}

export function diffCaps(mask: bigint, reference: bigint): CapSetDiff {
  return { dropped: decodeCaps(reference & ~mask), added: decodeCaps(mask & ~reference) };
}

export const CAP_SET_NAMES = [
  'inheritable',
  'permitted',
  'effective',
  'bounding',
  'ambient',
] as const satisfies readonly (keyof CapSetsHex)[];

export type CapSetName = (typeof CAP_SET_NAMES)[number];

export interface DecodedCapSet {
  hex: string;
  names: string[];
  /** Versus the same set of the host's pid 1. */
  vsHost: CapSetDiff | null;
}

export type DecodedCaps = Record<CapSetName, DecodedCapSet>;

export function decodeCapSets(sets: CapSetsHex, host: CapSetsHex | null): DecodedCaps {
  const one = (name: CapSetName): DecodedCapSet => {
    const mask = parseCapMask(sets[name]);
    return {
      hex: sets[name],
      names: decodeCaps(mask),
      vsHost: host === null ? null : diffCaps(mask, parseCapMask(host[name])),
    };
  };
  return {
    inheritable: one('inheritable'),
    permitted: one('permitted'),
    effective: one('effective'),
    bounding: one('bounding'),
    ambient: one('ambient'),
  };
}

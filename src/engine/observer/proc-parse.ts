/**
 * Pure parsers for /proc/PID/stat and /proc/PID/status. Pure so they can be tested on text
 * captured anywhere, and so the sampler can parse without touching the filesystem twice.
 */

export interface StatFields {
  comm: string;
  state: string;
  ppid: number;
  /** Kernel task flags (field 9); PF_KTHREAD marks kernel threads. */
  flags: number;
  threads: number;
  /** Start time in clock ticks since boot: with the PID, the identity of a process. */
  start: number;
}

const PF_KTHREAD = 0x00200000;

export function parseStat(text: string): StatFields | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // The command name may hold spaces and parentheses: fields resume after the last ')'.
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3, so field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  const start = field(22);
  if (!Number.isFinite(start)) return undefined;
  return {
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    flags: field(9),
    threads: field(20),
    start,
  };
}

export function isKernelThreadFlags(flags: number): boolean {
  return (flags & PF_KTHREAD) !== 0;
}

export interface IdSet {
  real: number;
  effective: number;
  saved: number;
  fs: number;
}

export type SeccompMode = 'disabled' | 'strict' | 'filter';

/** The capability sets as the kernel prints them: 16 hex digits each. */
export interface CapSetsHex {
  inheritable: string;
  permitted: string;
  effective: string;
  bounding: string;
  ambient: string;
}

export interface StatusFields {
  name: string;
  uid: IdSet | null;
  gid: IdSet | null;
  /** Host PID first, then the PID in each nested PID namespace, innermost last. */
  nspid: number[];
  caps: CapSetsHex | null;
  noNewPrivs: boolean | null;
  seccomp: SeccompMode | null;
}

function statusMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return map;
}

function idSet(value: string | undefined): IdSet | null {
  if (value === undefined) return null;
  const [real, effective, saved, fs] = value.split(/\s+/).map(Number);
  if (real === undefined || effective === undefined || saved === undefined || fs === undefined) {
    return null;
  }
  return { real, effective, saved, fs };
}

function capSets(map: Map<string, string>): CapSetsHex | null {
  const inheritable = map.get('CapInh');
  const permitted = map.get('CapPrm');
  const effective = map.get('CapEff');
  const bounding = map.get('CapBnd');
  // CapAmb appeared in Linux 4.3; an older kernel simply has no ambient set.
  const ambient = map.get('CapAmb') ?? '0000000000000000';
  if (!inheritable || !permitted || !effective || !bounding) return null;
  return { inheritable, permitted, effective, bounding, ambient };
}

const SECCOMP_MODES: Record<string, SeccompMode> = {
  '0': 'disabled',
  '1': 'strict',
  '2': 'filter',
};

export function parseStatus(text: string): StatusFields {
  const map = statusMap(text);
  const nspid = (map.get('NSpid') ?? map.get('Pid') ?? '').split(/\s+/).filter(Boolean).map(Number);
  const nnp = map.get('NoNewPrivs');
  const seccomp = map.get('Seccomp');
  return {
    name: map.get('Name') ?? '',
    uid: idSet(map.get('Uid')),
    gid: idSet(map.get('Gid')),
    nspid,
    caps: capSets(map),
    noNewPrivs: nnp === undefined ? null : nnp === '1',
    seccomp: seccomp === undefined ? null : (SECCOMP_MODES[seccomp] ?? null),
  };
}

/** /proc/PID/cmdline: NUL-separated arguments, empty for kernel threads. */
export function parseCmdline(text: string): string[] {
  const parts = text.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

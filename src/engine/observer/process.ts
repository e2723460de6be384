/**
 * One process as the kernel describes it, read from /proc/PID. Every field that could not
 * be read is null (or absent, for namespace inodes); a process that exits while it is being
 * read is reported as gone (undefined), never as half a process.
 */
import { parseProcCgroup, type CgroupMembership } from './cgroup-membership.js';
import { NS_LINKS, parseNsLink, type NamespaceInodes } from './ns-types.js';
import {
  isKernelThreadFlags,
  parseCmdline,
  parseStat,
  parseStatus,
  type CapSetsHex,
  type IdSet,
  type SeccompMode,
} from './proc-parse.js';
import { liveSource, type FileId, type KernelSource } from './source.js';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Clock ticks since boot: (pid, start) names one process even after PID reuse. */
  start: number;
  comm: string;
  /** Command line; empty for kernel threads and zombies. */
  args: string[];
  /** One letter, as in ps: R running, S sleeping, D disk wait, Z zombie, T stopped... */
  state: string;
  threads: number;
  kernelThread: boolean;
  uid: IdSet | null;
  gid: IdSet | null;
  /** Host PID first, then the PID in each nested PID namespace: the last is what `$$` says. */
  nspid: number[];
  namespaces: NamespaceInodes;
  cgroups: CgroupMembership[] | null;
  caps: CapSetsHex | null;
  noNewPrivs: boolean | null;
  seccomp: SeccompMode | null;
  /** Device and inode of the process's root directory (what chroot/pivot_root change). */
  root: FileId | null;
}

export interface ReadOptions {
  source?: KernelSource;
  /** Skip the per-namespace readlinks and the root stat (cheap scans for the tree only). */
  light?: boolean;
}

async function readNamespaces(source: KernelSource, pid: number): Promise<NamespaceInodes> {
  const links = await Promise.all(NS_LINKS.map((n) => source.readLink(`/proc/${pid}/ns/${n}`)));
  const out: NamespaceInodes = {};
  NS_LINKS.forEach((name, i) => {
    const link = links[i];
    const inode = link === undefined ? undefined : parseNsLink(link);
    if (inode !== undefined) out[name] = inode;
  });
  return out;
}

export async function readProcess(
  pid: number,
  options: ReadOptions = {},
): Promise<ProcessInfo | undefined> {
  const source = options.source ?? liveSource;
  const dir = `/proc/${pid}`;
  const statText = await source.readText(`${dir}/stat`);
  const stat = statText === undefined ? undefined : parseStat(statText);
  if (stat === undefined) return undefined;
  const [statusText, cmdline, cgroupText, namespaces, root] = await Promise.all([
    source.readText(`${dir}/status`),
    source.readText(`${dir}/cmdline`),
    source.readText(`${dir}/cgroup`),
    options.light ? Promise.resolve({}) : readNamespaces(source, pid),
    options.light ? Promise.resolve(undefined) : source.fileId(`${dir}/root/`),
  ]);
  if (statusText === undefined) return undefined;
  // A read that failed may mean the process died (or its PID was reused) while we read:
  // then what we have is not one process. When every read succeeded the process was alive
  // throughout (PID reuse needs the PID counter to wrap in between), so no re-check.
  // An exiting process reads an empty cmdline without an error once its memory is gone,
  // so an empty cmdline of a user process is re-checked too.
  const failed = cmdline === undefined || cgroupText === undefined;
  const partial = !options.light && (root === undefined || Object.keys(namespaces).length === 0);
  const exiting = cmdline === '' && !isKernelThreadFlags(stat.flags);
  let state = stat.state;
  if (failed || partial || exiting) {
    const again = await source.readText(`${dir}/stat`);
    const now = again === undefined ? undefined : parseStat(again);
    if (now === undefined || now.start !== stat.start) return undefined;
    state = now.state;
  }
  const status = parseStatus(statusText);
  return {
    pid,
    ppid: stat.ppid,
    start: stat.start,
    comm: stat.comm,
    args: cmdline === undefined ? [] : parseCmdline(cmdline),
    state,
    threads: stat.threads,
    kernelThread: isKernelThreadFlags(stat.flags),
    uid: status.uid,
    gid: status.gid,
    nspid: status.nspid.length > 0 ? status.nspid : [pid],
    namespaces,
    cgroups: cgroupText === undefined ? null : parseProcCgroup(cgroupText),
    caps: status.caps,
    noNewPrivs: status.noNewPrivs,
    seccomp: status.seccomp,
    root: root ?? null,
  };
}

/** PIDs in /proc right now (processes, not threads). */
export async function listPids(source: KernelSource = liveSource): Promise<number[]> {
  const names = (await source.listDir('/proc')) ?? [];
  const pids: number[] = [];
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) pids.push(Number(name));
  }
  return pids.sort((a, b) => a - b);
}

/** Every process on the host; those that exit during the scan are simply not in it. */
export async function scanProcesses(options: ReadOptions = {}): Promise<ProcessInfo[]> {
  const pids = await listPids(options.source);
  const infos = await Promise.all(pids.map((pid) => readProcess(pid, options)));
  return infos.filter((p): p is ProcessInfo => p !== undefined);
}

/** The command line as one string, or `[comm]` for kernel threads (as ps prints them). */
export function commandOf(p: Pick<ProcessInfo, 'args' | 'comm'>): string {
  return p.args.length > 0 ? p.args.join(' ') : `[${p.comm}]`;
}

/**
 * The one door through which checks see the system. It is backed by the observer
 * (src/engine/observer); tests or a replay can pass another implementation. One LabSystem
 * is one look at the system: process scans are made once and shared by all its checks.
 */
import { access, readlink } from 'node:fs/promises';
import { run, type RunResult } from '../../engine/exec.js';
import {
  cgroupStatsOfPath,
  hostReference,
  liveSource,
  readMounts,
  readProcess,
  scanProcesses,
  type CgroupStats,
  type MountEntry,
  type NamespaceInodes,
  type ProcessInfo,
} from '../../engine/observer/index.js';

export interface LabSystem {
  /** Processes (with namespaces and capabilities) whose cgroup path starts with `prefix`. */
  processesIn(prefix: string | undefined): Promise<ProcessInfo[]>;
  hostNamespaces(): Promise<NamespaceInodes>;
  /** Limits and usage of the cgroup at `path`, relative to every hierarchy's root. */
  cgroupStats(path: string): Promise<CgroupStats>;
  readFile(path: string): Promise<string | undefined>;
  /** The mount table a process sees (/proc/PID/mountinfo), undefined once it is gone. */
  mounts(pid: number): Promise<MountEntry[] | undefined>;
  exists(path: string): Promise<boolean>;
  /** Where a symbolic link points (a process's /proc/PID/root), undefined when unreadable. */
  readLink(path: string): Promise<string | undefined>;
  /** Runs a shell script with bash in the lab's environment, with a time limit. */
  runShell(script: string, timeoutMs: number): Promise<RunResult>;
}

export function observerSystem(env: NodeJS.ProcessEnv = process.env): LabSystem {
  let light: Promise<ProcessInfo[]> | undefined;
  let host: Promise<NamespaceInodes> | undefined;
  return {
    async processesIn(prefix) {
      // A light scan (no namespace links) finds candidates cheaply; only they are read fully.
      light ??= scanProcesses({ light: true });
      const candidates = (await light).filter(
        (p) =>
          !p.kernelThread &&
          p.state !== 'Z' &&
          p.pid !== process.pid &&
          (prefix === undefined || (p.cgroups ?? []).some((c) => isUnder(c.path, prefix))),
      );
      const full = await Promise.all(candidates.map((p) => readProcess(p.pid)));
      return full.filter((p): p is ProcessInfo => p !== undefined);
    },
    hostNamespaces() {
      host ??= Promise.all([readProcess(1), readProcess(2)]).then(
        (ps) => hostReference(ps.filter((p): p is ProcessInfo => p !== undefined)).namespaces,
      );
      return host;
    },
    cgroupStats: (path) => cgroupStatsOfPath(path),
    readFile: (path) => liveSource.readText(path),
    mounts: (pid) => readMounts(pid),
    exists: (path) =>
      access(path).then(
        () => true,
        () => false,
      ),
    readLink: (path) => readlink(path).catch(() => undefined),
    runShell: (script, timeoutMs) => run('bash', ['-c', script], { env, timeoutMs }),
  };
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

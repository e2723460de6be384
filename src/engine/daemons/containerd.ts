/**
 * A lab containerd: a private containerd instance per lab session, with its own config,
 * socket, content store and state, never the host's (there may be a system containerd; the
 * lab does not touch it). Its containers' runc state, FIFOs and cgroups also stay in the
 * session when the lab creates them (see containerd-containers.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labHierarchies } from '../cgroupfs.js';
import { run, type RunOptions, type RunResult } from '../exec.js';
import type { LabSession } from '../session.js';
import { containerdConfig } from './containerd-config.js';
import { checkSocketPath } from './socket-path.js';
import { requireTool, startDaemon, type DaemonResource } from './spawn-daemon.js';

/**
 * The containerd namespace the lab's own containers and images live in: one per session
 * (`contlab-<lab pid>`). The runc v2 shim keeps the state of a container a learner makes
 * with `ctr run` in /run/containerd/runc/<namespace>/<id>, shared by every containerd on
 * the machine: with one namespace for all, two labs running the same lesson at once would
 * both make `contlab-swap` there, and the second would be refused.
 */
function labContainerdNamespace(session: Pick<LabSession, 'owner'>): string {
  return `contlab-${session.owner.pid}`;
}

export interface LabContainerd {
  readonly address: string;
  readonly namespace: string;
  readonly root: string;
  readonly state: string;
  readonly configPath: string;
  readonly logPath: string;
  readonly pid: number;
  /**
   * runc state of the lab's containers. containerd 1.6 lets only the client choose it (the
   * runc v2 shim defaults to /run/containerd/runc/<namespace>), so the lab passes it on
   * every `ctr run` it makes (the shim adds the namespace: <runcRoot>/<ns>/<id>).
   */
  readonly runcRoot: string;
  /** Where ctr makes the stdio FIFOs of the lab's containers (default /run/containerd/fifo). */
  readonly fifoDir: string;
  readonly startupMs: number;
  /** The environment that points a learner's `ctr` at this containerd. */
  env(): Record<string, string>;
  /** Runs `ctr` against this containerd, in its namespace. */
  ctr(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** SIGTERM, then the shims, mounts and state it left (the daemon remover). */
  stop(): Promise<void>;
}

export async function startLabContainerd(
  session: LabSession,
  opts: { timeoutMs?: number } = {},
): Promise<LabContainerd> {
  requireTool('ctr', 'containerd');
  const address = checkSocketPath(join(session.runDir, 'containerd.sock'), 'lab containerd');
  const base = await session.makeDir(join(session.dir, 'containerd'));
  const root = await session.makeDir(join(base, 'root'));
  const state = await session.makeDir(join(session.runDir, 'containerd'));
  const runcRoot = await session.makeDir(join(state, 'runc'));
  const fifoDir = await session.makeDir(join(state, 'fifo'));
  const namespace = labContainerdNamespace(session);
  // A learner's `ctr run` without --cgroup puts its container in /<namespace>/<id>: runc
  // makes that parent, named after the lab's namespace, and never removes it. Journaled
  // now, before containerd exists, so the lab's close and `contlab cleanup` remove it.
  for (const h of labHierarchies())
    await session.track({ kind: 'cgroup', mountPoint: h.mountPoint, path: namespace }, () => {});
  const configPath = join(base, 'config.toml');
  const logPath = join(base, 'containerd.log');
  writeFileSync(configPath, containerdConfig({ root, state, address }));

  const ctr = (args: readonly string[], runOpts: RunOptions = {}): Promise<RunResult> =>
    run('ctr', ['--address', address, '--namespace', namespace, ...args], {
      timeoutMs: 60_000,
      ...runOpts,
    });

  const started = await startDaemon(session, {
    name: 'containerd',
    binary: 'containerd',
    pkg: 'containerd',
    args: ['--config', configPath],
    address,
    dirs: [root, state],
    logPath,
    timeoutMs: opts.timeoutMs ?? 20_000,
    ready: async () => (await ctr(['version'], { timeoutMs: 5_000 })).code === 0,
  });
  const resource: DaemonResource = started.resource;

  return {
    address,
    namespace,
    root,
    state,
    configPath,
    logPath,
    pid: started.pid,
    runcRoot,
    fifoDir,
    startupMs: started.startupMs,
    env: () => ({ CONTAINERD_ADDRESS: address, CONTAINERD_NAMESPACE: namespace }),
    ctr,
    stop: () => session.remove(resource),
  };
}

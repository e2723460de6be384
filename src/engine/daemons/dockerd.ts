/**
 * A lab dockerd: its own API socket, data root, exec root and pidfile under the session, no
 * TCP. It lives in a network namespace of its own (made by `unshare --net` and ended with
 * it), so nothing it does touches the host's interfaces or firewall, even when a learner
 * runs `docker network create`. By default it has no bridge and no iptables rules (its
 * containers run with `--network none`); with `network: 'bridge'` (the networking lesson)
 * it gets a bridge `contlab0` (docker0's counterpart), NAT rules, ip_forward and
 * docker-proxy as on any docker host, all inside that namespace. Setting up the rules costs
 * a few dozen iptables runs, which under emulation (the cgroup v2 VM) take over a minute,
 * so only the lessons that need them pay. It runs its containers through a lab containerd
 * (in containerd's `moby` namespace, as docker always does), so the containerd's cleanup
 * also ends every shim docker started, and it puts them in cgroups under the session's own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_CGROUP_PARENT } from '../cgroupfs.js';
import { run, type RunOptions, type RunResult } from '../exec.js';
import type { LabSession } from '../session.js';
import { startLabContainerd, type LabContainerd } from './containerd.js';
import { checkSocketPath } from './socket-path.js';
import { requireTool, startDaemon, type DaemonResource } from './spawn-daemon.js';

/** docker0's counterpart in the lab dockerd's network namespace, and its address. */
export const LAB_DOCKER_BRIDGE = 'contlab0';
export const LAB_DOCKER_BRIDGE_CIDR = '172.30.0.1/24';

/**
 * Runs in the new network namespace before dockerd: loopback up (docker-proxy and a
 * learner's `wget 127.0.0.1:PORT` need it), and for a bridge network the bridge made, since
 * dockerd only creates a bridge of its own when it is called docker0. Then it execs
 * dockerd: same PID.
 */
function netnsPrelude(network: LabDockerNetwork): string {
  const bridge =
    network === 'bridge'
      ? [
          `ip link add ${LAB_DOCKER_BRIDGE} type bridge`,
          `ip addr add ${LAB_DOCKER_BRIDGE_CIDR} dev ${LAB_DOCKER_BRIDGE}`,
          `ip link set ${LAB_DOCKER_BRIDGE} up`,
        ]
      : [];
  return ['set -e', 'ip link set lo up', ...bridge, 'exec "$@"'].join('\n');
}

/** `none`: no networks but none and host. `bridge`: docker's default bridge network. */
export type LabDockerNetwork = 'none' | 'bridge';

function networkArgs(network: LabDockerNetwork): string[] {
  if (network === 'none')
    return [
      '--bridge',
      'none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-masq=false',
      '--userland-proxy=false',
    ];
  return [
    '--bridge',
    LAB_DOCKER_BRIDGE,
    // iptables, masquerade and docker-proxy as on any docker host: in its own netns.
    '--iptables=true',
    '--ip-masq=true',
    '--userland-proxy=true',
    '--ip6tables=false',
    '--ipv6=false',
  ];
}

export interface LabDockerd {
  /** The value for `docker -H`: unix://<runDir>/docker.sock. */
  readonly host: string;
  readonly socket: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly pidFile: string;
  readonly logPath: string;
  readonly cgroupParent: string;
  readonly containerd: LabContainerd;
  readonly pid: number;
  /** Its network namespace (/proc/PID/ns/net): `nsenter --net=PATH ip link` looks inside. */
  readonly netns: string;
  readonly startupMs: number;
  /** The environment that points a learner's `docker` at this dockerd. */
  env(): Record<string, string>;
  docker(args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
}

export async function startLabDockerd(
  session: LabSession,
  containerd?: LabContainerd,
  opts: { timeoutMs?: number; extraArgs?: readonly string[]; network?: LabDockerNetwork } = {},
): Promise<LabDockerd> {
  const network = opts.network ?? 'none';
  requireTool('docker', 'docker.io');
  const dockerdPath = requireTool('dockerd', 'docker.io');
  if (network === 'bridge') requireTool('iptables', 'iptables');
  const socket = checkSocketPath(join(session.runDir, 'docker.sock'), 'lab dockerd');
  const host = `unix://${socket}`;
  const cd = containerd ?? (await startLabContainerd(session));
  const base = await session.makeDir(join(session.dir, 'docker'));
  const dataRoot = await session.makeDir(join(base, 'data'));
  const execRoot = await session.makeDir(join(session.runDir, 'docker'));
  const pidFile = join(execRoot, 'dockerd.pid');
  const logPath = join(base, 'dockerd.log');
  // A config file of its own: /etc/docker/daemon.json belongs to the host's docker. And
  // dockerd 20.10 writes its identity key to /etc/docker/key.json unless told otherwise.
  const configFile = join(base, 'daemon.json');
  writeFileSync(
    configFile,
    JSON.stringify({ 'deprecated-key-path': join(base, 'key.json') }, null, 2) + '\n',
  );
  const cgroupParent = `/${LAB_CGROUP_PARENT}/${session.id}/docker`;

  const docker = (args: readonly string[], runOpts: RunOptions = {}): Promise<RunResult> =>
    run('docker', ['--host', host, ...args], {
      timeoutMs: 120_000,
      ...runOpts,
      // The learner's ~/.docker/config.json (contexts, credential helpers) must not apply.
      env: { ...process.env, ...runOpts.env, DOCKER_CONFIG: join(base, 'client') },
    });

  const started = await startDaemon(session, {
    name: 'dockerd',
    binary: 'unshare',
    pkg: 'util-linux',
    args: [
      '--net',
      '--',
      '/bin/sh',
      '-c',
      netnsPrelude(network),
      'contlab-dockerd-netns',
      dockerdPath,
      '--host',
      host,
      '--config-file',
      configFile,
      '--data-root',
      dataRoot,
      '--exec-root',
      execRoot,
      '--pidfile',
      pidFile,
      '--containerd',
      cd.address,
      ...networkArgs(network),
      '--exec-opt',
      'native.cgroupdriver=cgroupfs',
      '--cgroup-parent',
      cgroupParent,
      // Containers still running at stop get 2s, not docker's 10s default.
      '--shutdown-timeout',
      '2',
      // More flags for this daemon, e.g. `--add-runtime contlab=<path>`.
      ...(opts.extraArgs ?? []),
    ],
    address: socket,
    dirs: [dataRoot, execRoot],
    logPath,
    // The bridge's iptables rules take a few seconds here, over a minute under emulation.
    timeoutMs: opts.timeoutMs ?? (network === 'bridge' ? 90_000 : 30_000),
    ready: async () =>
      (await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5_000 })).code ===
      0,
  });
  const resource: DaemonResource = started.resource;

  return {
    host,
    socket,
    dataRoot,
    execRoot,
    pidFile,
    logPath,
    cgroupParent,
    containerd: cd,
    pid: started.pid,
    netns: `/proc/${started.pid}/ns/net`,
    startupMs: started.startupMs,
    env: () => ({ DOCKER_HOST: host, LAB_DOCKER_NETNS: `/proc/${started.pid}/ns/net` }),
    docker,
    stop: () => session.remove(resource),
  };
}

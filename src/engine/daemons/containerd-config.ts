/**
 * The config.toml of a lab containerd. Everything it keeps is under the session: content and
 * snapshots under `root` (session.dir), sockets and task state under `state` (session.runDir).
 * No TCP listener of any kind, and the CRI plugin (Kubernetes) is not loaded: the lab does
 * not need it and containerd starts much faster without it.
 */
export interface ContainerdPaths {
  root: string;
  state: string;
  address: string;
}

/** A TOML basic string: JSON's escaping is a subset TOML accepts. */
const str = (s: string): string => JSON.stringify(s);

export const DISABLED_PLUGINS = [
  'io.containerd.grpc.v1.cri',
  // Snapshotters this host cannot or need not use: skipping them saves start-up probes.
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.snapshotter.v1.zfs',
];

export function containerdConfig(p: ContainerdPaths): string {
  return [
    'version = 2',
    `root = ${str(p.root)}`,
    `state = ${str(p.state)}`,
    `disabled_plugins = [${DISABLED_PLUGINS.map(str).join(', ')}]`,
    '',
    '[grpc]',
    `  address = ${str(p.address)}`,
    '  tcp_address = ""',
    '',
    '[ttrpc]',
    `  address = ${str(`${p.address}.ttrpc`)}`,
    '',
    '[debug]',
    '  address = ""',
    '  level = "info"',
    '',
    '[metrics]',
    '  address = ""',
    '',
    // Its default is /opt/containerd: keep even that empty directory inside the session.
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${str(`${p.root}/opt`)}`,
    '',
    // The legacy v1 runtime defaults its runc state to /run/containerd/runc.
    '[plugins."io.containerd.runtime.v1.linux"]',
    `  runtime_root = ${str(`${p.state}/runc-v1`)}`,
    '',
  ].join('\n');
}

/**
 * OCI bundles for the runtime tests: a busybox rootfs (made once per test file) and a
 * config.json built from a JS object, plus a runner for contlab-runtime/runc/crun with a
 * private --root, and cleanup that only touches what the test created (by PID, by path).
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { writeRootfs } from '../../src/engine/image/rootfs.js';

export const RUNTIME = join(repoRoot, 'bin', 'contlab-runtime');

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}
export interface OciNamespace {
  type: string;
  path?: string;
}
export interface OciIdMap {
  containerID: number;
  hostID: number;
  size: number;
}
export interface OciCaps {
  bounding?: string[];
  effective?: string[];
  inheritable?: string[];
  permitted?: string[];
  ambient?: string[];
}
export interface OciProcess {
  terminal?: boolean;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities?: OciCaps;
  rlimits?: { type: string; hard: number; soft: number }[];
  noNewPrivileges?: boolean;
}
export interface OciResources {
  devices?: { allow: boolean; access?: string; type?: string; major?: number; minor?: number }[];
  memory?: {
    limit?: number;
    swap?: number;
    reservation?: number;
    kernel?: number;
    kernelTCP?: number;
    swappiness?: number;
    disableOOMKiller?: boolean;
  };
  pids?: { limit: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string };
}
export interface OciLinux {
  cgroupsPath?: string;
  resources?: OciResources;
  namespaces: OciNamespace[];
  uidMappings?: OciIdMap[];
  gidMappings?: OciIdMap[];
  maskedPaths?: string[];
  readonlyPaths?: string[];
  rootfsPropagation?: string;
}
/** The part of the OCI runtime spec the tests write (the runtime reads much more). */
export interface OciConfig {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: OciLinux;
  annotations?: Record<string, string>;
}

const DEFAULT_CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

/** The default config of `runc spec`, with terminal off and the given args. */
export function defaultConfig(args: string[] = ['sh'], cgroupsPath?: string): OciConfig {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: {
        bounding: [...DEFAULT_CAPS],
        effective: [...DEFAULT_CAPS],
        permitted: [...DEFAULT_CAPS],
        ambient: [...DEFAULT_CAPS],
      },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'contlab-test',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/dev',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
      },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      {
        destination: '/dev/shm',
        type: 'tmpfs',
        source: 'shm',
        options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
      },
      {
        destination: '/dev/mqueue',
        type: 'mqueue',
        source: 'mqueue',
        options: ['nosuid', 'noexec', 'nodev'],
      },
      {
        destination: '/sys',
        type: 'sysfs',
        source: 'sysfs',
        options: ['nosuid', 'noexec', 'nodev', 'ro'],
      },
      {
        destination: '/sys/fs/cgroup',
        type: 'cgroup',
        source: 'cgroup',
        options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
      },
    ],
    linux: {
      ...(cgroupsPath ? { cgroupsPath } : {}),
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [
        { type: 'pid' },
        { type: 'network' },
        { type: 'ipc' },
        { type: 'uts' },
        { type: 'mount' },
      ],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
  /** For a detached/created container: the files its stdout and stderr keep going to. */
  outFile?: string;
  errFile?: string;
}

function result(r: SpawnSyncReturns<string>): Result {
  return {
    code: r.status ?? (r.signal ? 128 : -1),
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
  };
}

/**
 * Everything one test file makes: a temp dir with a shared rootfs, bundles, a --root for
 * each runtime, and a cgroup parent /contlab/test-rt-<pid>-<n> under which every
 * container's cgroupsPath goes. `cleanup()` removes it all.
 */
export class RuntimeLab {
  readonly base: string;
  readonly rootfs: string;
  readonly cgroupParent: string;
  private n = 0;
  private readonly ids = new Map<string, Set<string>>();

  constructor(label: string) {
    this.base = mkdtempSync(`/tmp/contlab-rt-${label}-`);
    // A user namespace's root (a high host uid) must be able to reach the rootfs.
    chmodSync(this.base, 0o755);
    this.rootfs = join(this.base, 'rootfs');
    writeRootfs(this.rootfs);
    this.cgroupParent = `/contlab/test-rt-${label}-${process.pid}`;
  }

  /** A fresh cgroupsPath under this lab's parent. */
  cgroupsPath(name: string): string {
    return `${this.cgroupParent}/${name}`;
  }

  /** A bundle dir whose config.json is `config` with root.path pointing at the rootfs. */
  bundle(config: OciConfig | null, name = `b${++this.n}`): string {
    const dir = join(this.base, 'bundles', name);
    mkdirSync(dir, { recursive: true });
    if (config === null) return dir;
    const cfg = structuredClone(config);
    if (cfg.root?.path === 'rootfs') cfg.root.path = this.rootfs;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg, null, 2));
    return dir;
  }

  /** A bundle whose config.json is exactly `text` (for malformed input). */
  rawBundle(text: string, name = `raw${++this.n}`): string {
    const dir = this.bundle(null, name);
    writeFileSync(join(dir, 'config.json'), text);
    return dir;
  }

  stateRoot(runtime: string): string {
    return join(this.base, `state-${runtime.split('/').pop()}`);
  }

  /** Runs `runtime --root <private> ...args`, remembering container ids for cleanup. */
  run(
    args: string[],
    opts: {
      runtime?: string;
      input?: string;
      timeout?: number;
      env?: NodeJS.ProcessEnv;
      global?: string[];
    } = {},
  ): Result {
    const runtime = opts.runtime ?? RUNTIME;
    this.remember(runtime, args);
    if (args.includes('--detach') || args.includes('-d') || args.includes('create')) {
      // A detached (or created) container keeps the stdio it was given: pipes would only
      // reach EOF when it exits, so it gets files, read back once the runtime has exited.
      const out = join(this.base, `out-${++this.n}`);
      const err = join(this.base, `err-${this.n}`);
      const fds = [openSync(out, 'w'), openSync(err, 'w')] as const;
      const r = spawnSync(
        runtime,
        ['--root', this.stateRoot(runtime), ...(opts.global ?? []), ...args],
        {
          stdio: ['ignore', fds[0], fds[1]],
          timeout: opts.timeout ?? 60_000,
          env: opts.env ?? process.env,
        },
      );
      closeSync(fds[0]);
      closeSync(fds[1]);
      return {
        code: r.status ?? -1,
        stdout: readFileSync(out, 'utf8'),
        stderr: readFileSync(err, 'utf8'),
        outFile: out,
        errFile: err,
      };
    }
    return result(
      spawnSync(runtime, ['--root', this.stateRoot(runtime), ...(opts.global ?? []), ...args], {
        encoding: 'utf8',
        input: opts.input ?? '',
        timeout: opts.timeout ?? 60_000,
        env: opts.env ?? process.env,
      }),
    );
  }

  /** Like run, but returns the child so the test can watch it (create with CONTLAB_PAUSE_AT). */
  spawn(args: string[], env: NodeJS.ProcessEnv, runtime = RUNTIME) {
    this.remember(runtime, args);
    return spawn(runtime, ['--root', this.stateRoot(runtime), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  private remember(runtime: string, args: string[]): void {
    const cmd = args.find((a) => ['create', 'run'].includes(a));
    if (!cmd) return;
    const id = args[args.length - 1];
    if (id === undefined) return;
    const set = this.ids.get(runtime) ?? new Set<string>();
    set.add(id);
    this.ids.set(runtime, set);
  }

  /** Removes every container, cgroup and file this lab made. Safe to call twice. */
  cleanup(): void {
    for (const [runtime, ids] of this.ids) {
      for (const id of ids) {
        spawnSync(runtime, ['--root', this.stateRoot(runtime), 'delete', '--force', id], {
          timeout: 30_000,
        });
      }
    }
    this.ids.clear();
    removeCgroupTree(this.cgroupParent);
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** Every v1 hierarchy (or the v2 root) that has `rel` as a directory. */
export function cgroupDirs(rel: string): string[] {
  const root = '/sys/fs/cgroup';
  const out: string[] = [];
  if (existsSync(join(root, 'cgroup.controllers'))) {
    if (existsSync(join(root, rel))) out.push(join(root, rel));
    return out;
  }
  // Every hierarchy, the hybrid host's empty v2 tree (/sys/fs/cgroup/unified) included:
  // runc makes its cgroup there too.
  for (const h of readdirSync(root)) {
    const d = join(root, h, rel);
    if (existsSync(d)) out.push(d);
  }
  return out;
}

/** Kills (by PID) anything left in the tree and removes it bottom-up. */
export function removeCgroupTree(rel: string): void {
  for (const dir of cgroupDirs(rel)) removeDir(dir);
}

function removeDir(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) removeDir(join(dir, e.name));
  }
  try {
    for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
      const pid = Number(line);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  } catch {
    /* no procs file */
  }
  for (let i = 0; i < 100; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      spawnSync('sleep', ['0.02']);
    }
  }
}

/** Capability names -> the hex mask /proc/PID/status shows. */
export function capMask(names: string[]): bigint {
  const all = [
    'CHOWN',
    'DAC_OVERRIDE',
    'DAC_READ_SEARCH',
    'FOWNER',
    'FSETID',
    'KILL',
    'SETGID',
    'SETUID',
    'SETPCAP',
    'LINUX_IMMUTABLE',
    'NET_BIND_SERVICE',
    'NET_BROADCAST',
    'NET_ADMIN',
    'NET_RAW',
    'IPC_LOCK',
    'IPC_OWNER',
    'SYS_MODULE',
    'SYS_RAWIO',
    'SYS_CHROOT',
    'SYS_PTRACE',
    'SYS_PACCT',
    'SYS_ADMIN',
    'SYS_BOOT',
    'SYS_NICE',
    'SYS_RESOURCE',
    'SYS_TIME',
    'SYS_TTY_CONFIG',
    'MKNOD',
    'LEASE',
    'AUDIT_WRITE',
    'AUDIT_CONTROL',
    'SETFCAP',
    'MAC_OVERRIDE',
    'MAC_ADMIN',
    'SYSLOG',
    'WAKE_ALARM',
    'BLOCK_SUSPEND',
    'AUDIT_READ',
    'PERFMON',
    'BPF',
    'CHECKPOINT_RESTORE',
  ];
  let m = 0n;
  for (const n of names) {
    const i = all.indexOf(n.replace(/^CAP_/, ''));
    if (i < 0) throw new Error(`unknown capability ${n}`);
    m |= 1n << BigInt(i);
  }
  return m;
}

/** CapInh/CapPrm/CapEff/CapBnd/CapAmb of a process, as bigints. */
export function procCaps(pid: number): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(Cap\w+):\s+([0-9a-f]+)$/.exec(line);
    if (m) out[m[1]!] = BigInt(`0x${m[2]}`);
  }
  return out;
}

export function nsLinks(pid: number | 'self'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts']) {
    try {
      out[t] = spawnSync('readlink', [`/proc/${pid}/ns/${t}`], { encoding: 'utf8' }).stdout.trim();
    } catch {
      /* gone */
    }
  }
  return out;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

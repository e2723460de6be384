/**
 * What a contlab-runtime container really is, checked from the host side (the observer's
 * readings of /proc and /sys, never the runtime's own word): namespaces new or shared
 * exactly as config.json says, the hostname, capability sets equal to the spec's, masked
 * paths empty, a read-only root, uid/gid maps of a user namespace, and cgroup v1 limits
 * the kernel enforces (the OOM killer, pids.max), each with a control that shows the same
 * workload behaving differently without the setting.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupStatsOfPath,
  decodeCaps,
  readMounts,
  readProcess,
  type ProcessInfo,
} from '../../src/engine/observer/index.js';
import {
  RuntimeLab,
  capMask,
  cgroupDirs,
  defaultConfig,
  procCaps,
  type OciCaps,
  type OciConfig,
} from '../helpers/bundle.js';
import { processExists } from '../helpers/host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let lab: RuntimeLab;
let host: ProcessInfo;
beforeAll(async () => {
  lab = new RuntimeLab('iso');
  const self = await readProcess(process.pid);
  if (!self) throw new Error('cannot read this test process');
  host = self;
});
afterAll(() => {
  lab?.cleanup();
});

/** run --detach; init's pid from --pid-file (it may already have exited). */
function startDetached(id: string, config: OciConfig, expectRunning = true): number {
  const b = lab.bundle(config);
  const pidFile = join(b, 'init.pid');
  const r = lab.run(['run', '--detach', '--pid-file', pidFile, '--bundle', b, id]);
  if (r.code !== 0) throw new Error(`run ${id} failed (${r.code}): ${r.stderr}`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  if (expectRunning) {
    const st = JSON.parse(lab.run(['state', id]).stdout) as { pid: number; status: string };
    expect(st).toMatchObject({ pid, status: 'running' });
  }
  return pid;
}

function stopAndDelete(id: string): void {
  expect(lab.run(['delete', '--force', id]).code).toBe(0);
  expect(lab.run(['state', id]).stderr.trim()).toBe('container does not exist');
}

async function waitFor(cond: () => boolean, ms = 20_000): Promise<boolean> {
  for (let t = 0; t < ms; t += 50) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

/** Runs `cmd` inside the container's namespaces with the host's nsenter (not the runtime). */
function nsenter(pid: number, flags: string[], cmd: string[]) {
  return spawnSync('nsenter', ['-t', String(pid), ...flags, ...cmd], { encoding: 'utf8' });
}

describe('the default bundle (runc spec), seen from the host', () => {
  const id = `contlab-iso-${process.pid}`;
  let pid = 0;
  let info: ProcessInfo;
  const cfg = defaultConfig(['sleep', '1000'], `/contlab/test-rt-iso-${process.pid}/default`);

  beforeAll(async () => {
    pid = startDetached(id, cfg);
    const p = await readProcess(pid);
    if (!p) throw new Error('container init vanished');
    info = p;
  });
  afterAll(() => stopAndDelete(id));

  test('pid, net, ipc, uts and mnt are new; user and cgroup are the host’s', () => {
    for (const t of ['pid', 'net', 'ipc', 'uts', 'mnt'] as const) {
      expect([t, info.namespaces[t]]).not.toEqual([t, host.namespaces[t]]);
    }
    for (const t of ['user', 'cgroup'] as const) {
      expect([t, info.namespaces[t]]).toEqual([t, host.namespaces[t]]);
    }
    // init is PID 1 of its pid namespace.
    expect(info.nspid).toEqual([pid, 1]);
  });

  test('the hostname is set in its uts namespace only', () => {
    const inside = nsenter(pid, ['-u'], ['hostname']);
    expect(inside.stdout.trim()).toBe('contlab-test');
    expect(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim()).not.toBe('contlab-test');
  });

  test('the capability sets are exactly the spec’s', () => {
    // As root, execve makes permitted = effective = bounding; ambient needs inheritable,
    // which runc's default leaves empty, so the kernel refuses it (as under runc).
    const caps = procCaps(pid);
    const want = cfg.process.capabilities!;
    expect(caps.CapBnd).toBe(capMask(want.bounding!));
    expect(caps.CapEff).toBe(capMask(want.effective!));
    expect(caps.CapPrm).toBe(capMask(want.permitted!));
    expect(caps.CapInh).toBe(0n);
    expect(caps.CapAmb).toBe(0n);
    expect(decodeCaps(caps.CapBnd!)).toEqual([
      'cap_kill',
      'cap_net_bind_service',
      'cap_audit_write',
    ]);
    expect(info.noNewPrivs).toBe(true);
  });

  test('masked paths are empty, read-only paths and the root refuse writes', async () => {
    const root = `/proc/${pid}/root`;
    // The host's own files have content; the container's are masked.
    expect(readFileSync('/proc/timer_list', 'utf8').length).toBeGreaterThan(0);
    expect(readFileSync(`${root}/proc/timer_list`, 'utf8')).toBe('');
    expect(readdirSync('/sys/firmware').length).toBeGreaterThan(0);
    expect(readdirSync(`${root}/sys/firmware`)).toEqual([]);
    const mounts = (await readMounts(pid)) ?? [];
    const at = (p: string) => mounts.filter((m) => m.mountPoint === p).pop();
    expect(at('/proc/timer_list')?.root).toBe('/null');
    expect(at('/sys/firmware')?.fstype).toBe('tmpfs');
    expect(at('/proc/sys')?.options).toContain('ro');
    expect(at('/')?.options).toContain('ro');
    const erofs = (path: string) => {
      try {
        writeFileSync(path, 'x');
        return 'written';
      } catch (e) {
        return (e as NodeJS.ErrnoException).code;
      }
    };
    expect(erofs(`${root}/contlab-probe`)).toBe('EROFS');
    expect(erofs(`${root}/proc/sys/kernel/hostname`)).toBe('EROFS');
    // The same directory is writable from the host: the refusal is the container's mount.
    expect(erofs(join(lab.rootfs, 'contlab-probe'))).toBe('written');
    spawnSync('rm', ['-f', join(lab.rootfs, 'contlab-probe')]);
  });

  test('no descriptor of the runtime leaks in, and the cwd is inside (CVE-2024-21626)', () => {
    expect(readdirSync(`/proc/${pid}/fd`).sort()).toEqual(['0', '1', '2']);
    // The cwd is the container's "/" (pivot_root'ed), the same directory as its root.
    expect(spawnSync('readlink', [`/proc/${pid}/cwd`], { encoding: 'utf8' }).stdout.trim()).toBe(
      '/',
    );
    expect(spawnSync('readlink', [`/proc/${pid}/root`], { encoding: 'utf8' }).stdout.trim()).toBe(
      '/',
    );
  });

  test('no mount of the container shows on the host', () => {
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.rootfs);
  });
});

describe('joining a namespace by path, and a user namespace with uid/gid maps', () => {
  const a = `contlab-iso-a-${process.pid}`;
  const b = `contlab-iso-b-${process.pid}`;
  let pidA = 0;
  let pidB = 0;
  let capsB: OciCaps = {};

  beforeAll(() => {
    pidA = startDetached(a, defaultConfig(['sleep', '1000'], lab.cgroupsPath('a')));
    const cfg = defaultConfig(['sleep', '1000'], lab.cgroupsPath('b'));
    cfg.linux.namespaces = [
      { type: 'pid' },
      { type: 'network', path: `/proc/${pidA}/ns/net` },
      { type: 'ipc' },
      { type: 'uts' },
      { type: 'mount' },
      { type: 'user' },
      { type: 'cgroup' },
    ];
    // sysfs may only be mounted by the user namespace owning the network namespace,
    // which the joined one is not: bind the host's /sys read-only (as `runc spec --rootless`).
    cfg.mounts = cfg.mounts.map((m) =>
      m.type === 'sysfs'
        ? {
            destination: '/sys',
            type: 'none',
            source: '/sys',
            options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'],
          }
        : m,
    );
    cfg.linux.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    cfg.linux.gidMappings = [{ containerID: 0, hostID: 300000, size: 65536 }];
    cfg.process.user = { uid: 1000, gid: 1000 };
    cfg.process.capabilities = {
      bounding: ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
      effective: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      permitted: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      inheritable: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
      ambient: ['CAP_KILL', 'CAP_NET_BIND_SERVICE'],
    };
    capsB = cfg.process.capabilities;
    pidB = startDetached(b, cfg);
  });
  afterAll(() => {
    stopAndDelete(b);
    stopAndDelete(a);
  });

  test('the joined network namespace is shared, the rest are not', async () => {
    const [ia, ib] = await Promise.all([readProcess(pidA), readProcess(pidB)]);
    expect(ib?.namespaces.net).toBe(ia?.namespaces.net);
    for (const t of ['pid', 'ipc', 'uts', 'mnt', 'user', 'cgroup'] as const) {
      expect([t, ib?.namespaces[t]]).not.toEqual([t, ia?.namespaces[t]]);
      expect([t, ib?.namespaces[t]]).not.toEqual([t, host.namespaces[t]]);
    }
  });

  test('uid_map and gid_map are the spec’s; the process runs as host uid 201000', async () => {
    expect(readFileSync(`/proc/${pidB}/uid_map`, 'utf8').trim().split(/\s+/)).toEqual([
      '0',
      '200000',
      '65536',
    ]);
    expect(readFileSync(`/proc/${pidB}/gid_map`, 'utf8').trim().split(/\s+/)).toEqual([
      '0',
      '300000',
      '65536',
    ]);
    const info = await readProcess(pidB);
    expect(info?.uid?.real).toBe(201000);
    expect(info?.gid?.real).toBe(301000);
    // Inside, it is uid 1000 (what `id -u` would say there).
    const status = readFileSync(`/proc/${pidB}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+201000\s+201000\s+201000\s+201000$/m);
  });

  test('a non-root user keeps all five capability sets the spec gives it', () => {
    const caps = procCaps(pidB);
    expect(caps.CapBnd).toBe(capMask(capsB.bounding!));
    expect(caps.CapEff).toBe(capMask(capsB.effective!));
    expect(caps.CapPrm).toBe(capMask(capsB.permitted!));
    expect(caps.CapInh).toBe(capMask(capsB.inheritable!));
    expect(caps.CapAmb).toBe(capMask(capsB.ambient!));
  });
});

describe('linux.seccomp, compiled with libseccomp', () => {
  test('a denied syscall fails with the spec’s errno; the filter shows in /proc', async () => {
    const cfg = defaultConfig(
      ['sh', '-c', 'mkdir /dev/shm/x || echo "mkdir refused"; exec sleep 1000'],
      lab.cgroupsPath('seccomp'),
    );
    const withSeccomp = cfg as OciConfig & { linux: { seccomp?: unknown } };
    withSeccomp.linux.seccomp = {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
    };
    const id = `contlab-iso-seccomp-${process.pid}`;
    const b = lab.bundle(cfg);
    const pidFile = join(b, 'init.pid');
    const r = lab.run(['run', '--detach', '--pid-file', pidFile, '--bundle', b, id]);
    expect(r.code).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep')).toBe(
      true,
    );
    expect(readFileSync(r.outFile!, 'utf8')).toBe('mkdir refused\n');
    expect(readFileSync(r.errFile!, 'utf8')).toContain('Operation not permitted');
    expect(existsSync(`/proc/${pid}/root/dev/shm/x`)).toBe(false);
    expect((await readProcess(pid))?.seccomp).toBe('filter');
    stopAndDelete(id);
  });
});

describe('cgroup v1 limits the kernel enforces', () => {
  // A memory hog: busybox tail keeps a "line" of /dev/zero (no newline) in memory.
  const hog = (mb: number) => ['sh', '-c', `head -c ${mb}m /dev/zero | tail > /dev/null`];

  async function runToEnd(name: string, cfg: OciConfig) {
    const id = `contlab-iso-${name}-${process.pid}`;
    const pid = startDetached(id, cfg, false);
    expect(await waitFor(() => !processExists(pid), 60_000)).toBe(true);
    const stats = await cgroupStatsOfPath(cfg.linux.cgroupsPath!);
    const rel = cfg.linux.cgroupsPath!;
    const procs = cgroupDirs(rel).map((d) => readFileSync(join(d, 'cgroup.procs'), 'utf8'));
    expect(lab.run(['delete', id]).code).toBe(0);
    expect(cgroupDirs(rel)).toEqual([]);
    return { stats, procs };
  }

  test('a 64 MiB hog under a 32 MiB memory limit is OOM-killed; without it, it finishes', async () => {
    const limited = defaultConfig(hog(64), lab.cgroupsPath('oom'));
    limited.linux.resources = {
      ...limited.linux.resources,
      memory: { limit: 32 * 1024 * 1024, swap: 32 * 1024 * 1024 },
    };
    const a = await runToEnd('oom', limited);
    expect(a.stats.memory?.max.value).toBe(32 * 1024 * 1024);
    expect(a.stats.memory?.oomKills.value).toBeGreaterThanOrEqual(1);

    const control = defaultConfig(hog(64), lab.cgroupsPath('nooom'));
    const b = await runToEnd('nooom', control);
    expect(b.stats.memory?.oomKills.value ?? 0).toBe(0);
    expect(b.stats.memory?.peak.value).toBeGreaterThan(64 * 1024 * 1024);
  });

  test('pids.max = 8 stops a fork loop; without it, every fork succeeds', async () => {
    const bomb = [
      'sh',
      '-c',
      'n=0; for i in $(seq 40); do sleep 1000 & n=$((n+1)); done; sleep 1; kill $(jobs -p) 2>/dev/null; true',
    ];
    const limited = defaultConfig(bomb, lab.cgroupsPath('pids'));
    limited.linux.resources = { ...limited.linux.resources, pids: { limit: 8 } };
    const a = await runToEnd('pids', limited);
    expect(a.stats.pids?.max.value).toBe(8);
    expect(a.stats.pids?.events.value?.max ?? 0).toBeGreaterThan(0);

    const b = await runToEnd('nopids', defaultConfig(bomb, lab.cgroupsPath('nopids')));
    expect(b.stats.pids?.events.value?.max ?? 0).toBe(0);
  });
});

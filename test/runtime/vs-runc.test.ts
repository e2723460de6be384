/**
 * Side by side with runc: one config.json, run once under runc and once under
 * contlab-runtime, then everything observable from the host compared: which namespaces
 * are new, the five capability sets, the mount table (mount point, filesystem type,
 * read-only or not), the hostname, ids, no_new_privs, and the cgroup limits the kernel
 * holds. Two runtimes written independently agreeing is the test.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupStatsOfPath,
  readMounts,
  readProcess,
  NS_TYPES,
  type ProcessInfo,
} from '../../src/engine/observer/index.js';
import {
  RUNTIME,
  RuntimeLab,
  cgroupDirs,
  defaultConfig,
  hasCommand,
  procCaps,
  type OciConfig,
} from '../helpers/bundle.js';

const RUNC = spawnSync('sh', ['-c', 'command -v runc'], { encoding: 'utf8' }).stdout.trim();

let lab: RuntimeLab;
let host: ProcessInfo;
beforeAll(async () => {
  lab = new RuntimeLab('vsrunc');
  const self = await readProcess(process.pid);
  if (!self) throw new Error('cannot read this test process');
  host = self;
});
afterAll(() => {
  lab?.cleanup();
});

interface Observed {
  newNamespaces: string[];
  caps: Record<string, string>;
  mounts: string[];
  hostname: string;
  uid: number | undefined;
  gid: number | undefined;
  noNewPrivs: boolean | null;
  seccomp: string | null;
  limits: Record<string, unknown>;
  inside: string;
}

async function observe(runtime: string, name: string, cfg: OciConfig): Promise<Observed> {
  const id = `contlab-vs-${name}-${process.pid}`;
  const bundle = lab.bundle(cfg, name);
  const pidFile = join(bundle, 'init.pid');
  const r = lab.run(['run', '--detach', '--pid-file', pidFile, '--bundle', bundle, id], {
    runtime,
  });
  if (r.code !== 0) throw new Error(`${runtime} run: ${r.stderr}`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    // `run --detach` returns once init was told to exec: wait until it has.
    for (let i = 0; i < 200 && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'sleep'; i++)
      await new Promise((res) => setTimeout(res, 10));
    const info = await readProcess(pid);
    if (!info) throw new Error(`${runtime}: container init ${pid} vanished`);
    const mounts = (await readMounts(pid)) ?? [];
    const stats = await cgroupStatsOfPath(cfg.linux.cgroupsPath!);
    const caps = procCaps(pid);
    const nsenter = (flags: string[], cmd: string[]) =>
      spawnSync('nsenter', ['-t', String(pid), ...flags, ...cmd], { encoding: 'utf8' }).stdout;
    return {
      newNamespaces: NS_TYPES.filter((t) => info.namespaces[t] !== host.namespaces[t]).sort(),
      caps: Object.fromEntries(Object.entries(caps).map(([k, v]) => [k, v.toString(16)])),
      mounts: mounts
        .map((m) => `${m.mountPoint} ${m.fstype} ${m.options.includes('ro') ? 'ro' : 'rw'}`)
        .sort(),
      hostname: nsenter(['-u'], ['hostname']).trim(),
      uid: info.uid?.real,
      gid: info.gid?.real,
      noNewPrivs: info.noNewPrivs,
      seccomp: info.seccomp,
      limits: {
        memory: stats.memory?.max.value,
        pids: stats.pids?.max.value,
        cpuShares: stats.cpu?.shares?.value,
        cpuQuota: stats.cpu?.quota.value,
        cpuPeriod: stats.cpu?.period.value,
      },
      // What the container itself sees: its processes and its view of /dev.
      inside: nsenter(['-m', '-p', '-r', '-w'], ['sh', '-c', 'ls /dev; cat /proc/1/cmdline']),
    };
  } finally {
    expect(lab.run(['delete', '--force', id], { runtime }).code).toBe(0);
  }
}

const maybe = RUNC && hasCommand('nsenter') ? describe : describe.skip;

maybe('the same bundle under runc and under contlab-runtime', () => {
  test('gives the same observable container', async () => {
    const make = (cg: string) => {
      const cfg = defaultConfig(['sleep', '1000'], lab.cgroupsPath(cg));
      cfg.hostname = 'contlab-side-by-side';
      cfg.linux.resources = {
        ...cfg.linux.resources,
        memory: { limit: 64 * 1024 * 1024 },
        pids: { limit: 32 },
        cpu: { shares: 512, quota: 50000, period: 100000 },
      };
      cfg.linux.namespaces.push({ type: 'cgroup' });
      return cfg;
    };
    const theirs = await observe(RUNC, 'runc', make('runc'));
    const ours = await observe(RUNTIME, 'ours', make('ours'));
    expect(ours).toEqual(theirs);
    // And the comparison is not vacuous: runc really made a container.
    expect(theirs.newNamespaces).toEqual(['cgroup', 'ipc', 'mnt', 'net', 'pid', 'uts']);
    expect(theirs.limits).toEqual({
      memory: 64 * 1024 * 1024,
      pids: 32,
      cpuShares: 512,
      cpuQuota: 50000,
      cpuPeriod: 100000,
    });
    expect(theirs.hostname).toBe('contlab-side-by-side');
  });

  test('both deleted, nothing is left (runc leaves its parent cgroups: the lab removes them)', () => {
    expect(cgroupDirs(lab.cgroupsPath('runc'))).toEqual([]);
    expect(cgroupDirs(lab.cgroupsPath('ours'))).toEqual([]);
    lab.cleanup();
    expect(cgroupDirs(lab.cgroupParent)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.base);
  });
});

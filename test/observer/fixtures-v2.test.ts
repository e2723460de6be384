/**
 * The parsers and the cgroup reader on fixtures captured from a cgroup v2 host
 * (test/fixtures/cgroup-v2, see its README), read through a rooted source.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupMode } from '../../src/engine/cgroupfs.js';
import {
  cgroupStatsOfPath,
  cgroupStatsOfPid,
  decodeOverlay,
  parseMountinfo,
  parseProcCgroup,
  parseStat,
  parseStatus,
  readHierarchies,
  readProcess,
  readV2Memory,
  rootedSource,
} from '../../src/engine/observer/index.js';
import { privateLabHome } from './helpers.js';

privateLabHome();

const root = join(
  import.meta.dirname ?? new URL('.', import.meta.url).pathname,
  '../fixtures/cgroup-v2',
);
const source = rootedSource(root);
const fixture = (path: string): string => readFileSync(join(root, path), 'utf8');
const scope = '/sys/fs/cgroup/system.slice/docker-3f2a.scope';

describe('/proc parsers', () => {
  test('stat: command with spaces and parentheses, state, ppid, start', () => {
    const s = parseStat(fixture('proc/4242/stat'));
    expect(s).toMatchObject({ comm: 'nginx: master', state: 'S', ppid: 4221, start: 880331 });
    expect(parseStat('12 (a) b)) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0 0')).toMatchObject({
      comm: 'a) b)',
      state: 'R',
      start: 77,
    });
    expect(parseStat('garbage')).toBeUndefined();
  });

  test('status: ids, NSpid chain, capability sets, no_new_privs, seccomp', () => {
    const s = parseStatus(fixture('proc/4242/status'));
    expect(s.nspid).toEqual([4242, 1]);
    expect(s.uid).toEqual({ real: 0, effective: 0, saved: 0, fs: 0 });
    expect(s.caps?.bounding).toBe('00000000a80425fb');
    expect(s.noNewPrivs).toBe(false);
    expect(s.seccomp).toBe('filter');
  });

  test('/proc/PID/cgroup on v2 is one 0:: line', () => {
    expect(parseProcCgroup(fixture('proc/4242/cgroup'))).toEqual([
      { hierarchyId: 0, controllers: [], path: '/system.slice/docker-3f2a.scope' },
    ]);
  });

  test('a whole process read from the fixture tree', async () => {
    const p = await readProcess(4242, { source, light: true });
    expect(p).toMatchObject({ pid: 4242, ppid: 4221, comm: 'nginx: master', nspid: [4242, 1] });
    expect(p?.args).toEqual(['nginx: master process nginx -g daemon off;']);
  });
});

describe('mountinfo from a v2 host', () => {
  const mounts = parseMountinfo(fixture('proc/self/mountinfo'));

  test('every line parses, escaped paths are unescaped', () => {
    expect(mounts).toHaveLength(13);
    expect(mounts.map((m) => m.mountPoint)).toContain('/home/ana/My Projects');
    expect(mounts.find((m) => m.fstype === 'nsfs')?.root).toBe('net:[4026532312]');
  });

  test('propagation from the optional fields', () => {
    const by = (mp: string) => mounts.find((m) => m.mountPoint === mp)?.propagation;
    expect(by('/')).toMatchObject({ kind: 'shared', shared: 1 });
    expect(by('/srv/lab overlay')).toMatchObject({ kind: 'slave', master: 33 });
    expect(by('/mnt/private')).toMatchObject({ kind: 'unbindable', unbindable: true });
    expect(by('/mnt/slave-shared')).toMatchObject({
      kind: 'shared,slave',
      shared: 40,
      master: 12,
      propagateFrom: 3,
    });
    expect(mounts.find((m) => m.mountPoint === '/mnt/slave-shared')?.optionalFields).toEqual([
      'shared:40',
      'master:12',
      'propagate_from:3',
    ]);
  });

  test('overlay layers decoded, docker style', () => {
    const docker = mounts.find((m) => m.mountPoint.endsWith('/merged'));
    expect(decodeOverlay(docker!)).toEqual({
      lowerdir: [
        '/var/lib/docker/overlay2/l/QX3K',
        '/var/lib/docker/overlay2/l/7BNA',
        '/var/lib/docker/overlay2/l/Z2PL',
      ],
      datadir: [],
      upperdir: '/var/lib/docker/overlay2/9c1e/diff',
      workdir: '/var/lib/docker/overlay2/9c1e/work',
    });
  });

  test('overlay with escaped colon and comma, and a data-only layer', () => {
    const lab = mounts.find((m) => m.mountPoint === '/srv/lab overlay');
    expect(decodeOverlay(lab!)).toEqual({
      lowerdir: ['/srv/layers/a:b', '/srv/layers/base'],
      datadir: ['/srv/data/blobs'],
      upperdir: '/srv/up,per',
      workdir: '/srv/work',
    });
    expect(decodeOverlay(mounts[0]!)).toBeUndefined();
  });

  test('the v2 hierarchy is found, with its controllers', async () => {
    const h = await readHierarchies(source);
    expect(h).toEqual([
      {
        version: 2,
        mountPoint: '/sys/fs/cgroup',
        controllers: ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc'],
      },
    ]);
    expect(cgroupMode(h)).toBe('v2');
  });
});

describe('cgroup v2 reader on the fixture', () => {
  test("a container's cgroup through its /proc/PID/cgroup", async () => {
    const found = await cgroupStatsOfPid(4242, { source });
    expect(found?.location.v2?.dir).toBe(scope);
    const s = found!.stats;
    expect(s.memory).toMatchObject({
      version: 2,
      current: { file: `${scope}/memory.current`, value: 104857600 },
      max: { file: `${scope}/memory.max`, value: 268435456 },
      high: { file: `${scope}/memory.high`, value: 'max' },
      peak: { file: `${scope}/memory.peak`, value: 201326592 },
      swapCurrent: { value: 4096 },
      swapMax: { file: `${scope}/memory.swap.max`, value: 268435456 },
      memswMax: null,
      oomKills: { file: `${scope}/memory.events`, value: 2 },
    });
    expect(s.memory?.events.value).toMatchObject({ max: 37, oom: 2, oom_kill: 2 });
    expect(s.cpu).toMatchObject({
      weight: { file: `${scope}/cpu.weight`, value: 20 },
      shares: null,
      quota: { file: `${scope}/cpu.max`, value: 150000 },
      period: { file: `${scope}/cpu.max`, value: 100000 },
      usageUsec: { file: `${scope}/cpu.stat`, value: 8812345 },
      periods: { value: 4120 },
      throttledPeriods: { value: 311 },
      throttledUsec: { value: 1503221 },
    });
    expect(s.pids).toMatchObject({
      current: { value: 7 },
      max: { file: `${scope}/pids.max`, value: 100 },
      events: { file: `${scope}/pids.events`, value: { max: 3 } },
    });
    expect(s.io?.limits).toEqual([
      {
        file: `${scope}/io.max`,
        value: [
          { device: '254:0', key: 'rbps', value: 'max', file: `${scope}/io.max` },
          { device: '254:0', key: 'wbps', value: 1048576, file: `${scope}/io.max` },
          { device: '254:0', key: 'riops', value: 'max', file: `${scope}/io.max` },
          { device: '254:0', key: 'wiops', value: 'max', file: `${scope}/io.max` },
        ],
      },
    ]);
    expect(s.freezer).toMatchObject({
      state: { file: `${scope}/cgroup.events`, value: 'frozen' },
      requested: { file: `${scope}/cgroup.freeze`, value: true },
    });
  });

  test('files an older kernel lacks are absent (null), never a crash', async () => {
    const s = await cgroupStatsOfPath('/legacy.slice', { source });
    expect(s.memory?.peak).toEqual({
      file: '/sys/fs/cgroup/legacy.slice/memory.peak',
      value: null,
    });
    expect(s.memory?.swapMax?.value).toBeNull();
    expect(s.memory?.max.value).toBe('max');
    expect(s.cpu?.quota.value).toBe('max');
    expect(s.pids?.events.value).toBeNull();
    expect(s.io?.limits[0]?.value).toBeNull();
    expect(s.freezer?.state.value).toBe('thawed');
  });

  test('a directory that does not exist reads as all-absent', async () => {
    const m = await readV2Memory('/sys/fs/cgroup/nowhere', source);
    expect(m.current.value).toBeNull();
    expect(m.oomKills.value).toBeNull();
  });
});

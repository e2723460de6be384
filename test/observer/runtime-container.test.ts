/**
 * The observer against a container made by the lab's own runtime (contlab-runtime): it must
 * report exactly the namespaces that `readlink /proc/PID/ns/*` says differ from the host, the
 * in-container PID the process sees as `$$`, and the container's cgroup limits as written.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupStatsOfPid,
  differingNamespaces,
  NS_TYPES,
  readProcess,
  type ProcessInfo,
} from '../../src/engine/observer/index.js';
import { RuntimeLab, defaultConfig } from '../helpers/bundle.js';
import { readNsLinks } from './helpers.js';

let lab: RuntimeLab;
let pid: number;
let info: ProcessInfo;
let self: ProcessInfo;
const ID = `contlab-obs-${process.pid}`;
const LIMIT = 48 * 1024 * 1024;

beforeAll(async () => {
  lab = new RuntimeLab('obs');
  // The container writes the PID it sees to a file on a writable bind mount, then sleeps.
  const config = defaultConfig(['sh', '-c', 'echo $$ > /out/inner-pid; exec sleep 60']);
  config.mounts?.push({
    destination: '/out',
    type: 'bind',
    source: lab.base,
    options: ['rbind', 'rw'],
  });
  config.linux = {
    ...config.linux,
    cgroupsPath: lab.cgroupsPath('obs'),
    resources: { ...config.linux?.resources, memory: { limit: LIMIT }, pids: { limit: 32 } },
  };
  const pidFile = join(lab.base, 'pid');
  const r = lab.run(['run', '--detach', '--pid-file', pidFile, '--bundle', lab.bundle(config), ID]);
  if (r.code !== 0) throw new Error(`contlab-runtime run failed: ${r.stderr}`);
  pid = Number(readFileSync(pidFile, 'utf8'));
  for (let i = 0; i < 100; i++) {
    try {
      if (readFileSync(join(lab.base, 'inner-pid'), 'utf8').trim() !== '') break;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const [a, b] = await Promise.all([readProcess(pid), readProcess(process.pid)]);
  if (a === undefined || b === undefined) throw new Error('the container process vanished');
  info = a;
  self = b;
});

afterAll(() => {
  lab?.cleanup();
});

test('reports exactly the namespaces readlink says differ', () => {
  const inside = readNsLinks(pid);
  const outside = readNsLinks(process.pid);
  const expected = NS_TYPES.filter((t) => inside[t] !== outside[t]).sort();
  // The bundle asks for pid, network, ipc, uts and mount namespaces.
  expect(expected).toEqual(expect.arrayContaining(['ipc', 'mnt', 'net', 'pid', 'uts']));
  expect(differingNamespaces(info.namespaces, self.namespaces).sort()).toEqual(expected);
  for (const t of NS_TYPES) expect(info.namespaces[t]).toBe(inside[t]);
});

test('the in-container PID is what `echo $$` printed inside', () => {
  const inner = Number(readFileSync(join(lab.base, 'inner-pid'), 'utf8'));
  expect(inner).toBe(1);
  expect(info.nspid).toEqual([pid, inner]);
  expect(info.comm).toBe('sleep');
});

test('reads back the limits the runtime wrote to the cgroup files', async () => {
  const stats = (await cgroupStatsOfPid(pid))?.stats;
  expect(stats?.memory?.max.value).toBe(LIMIT);
  expect(stats?.pids?.max.value).toBe(32);
  // Both were read from the container's own cgroup, under the path its config.json named.
  expect(stats?.memory?.dir).toContain(lab.cgroupsPath('obs'));
  expect(stats?.pids?.dir).toContain(lab.cgroupsPath('obs'));
});

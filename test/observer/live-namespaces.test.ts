/**
 * The observer against real processes in fresh namespaces made with unshare(1): it must
 * report exactly the namespaces `readlink /proc/PID/ns/*` says differ, and the PID the
 * process sees as `$$`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { privateLabHome, readNsLinks, startUnshared, type Unshared } from './helpers.js';
import {
  buildTree,
  descendants,
  differingNamespaces,
  hostReference,
  namespaceTable,
  readMounts,
  diffMounts,
  readProcess,
  scanProcesses,
  subtree,
  renderTree,
  NS_TYPES,
  type ProcessInfo,
} from '../../src/engine/observer/index.js';

privateLabHome();

describe('a process in new pid, mount and uts namespaces', () => {
  let box: Unshared;
  let info: ProcessInfo;
  let self: ProcessInfo;

  beforeAll(async () => {
    box = await startUnshared(['--pid', '--mount-proc', '--uts']);
    const [a, b] = await Promise.all([readProcess(box.pid), readProcess(process.pid)]);
    if (a === undefined || b === undefined) throw new Error('test processes vanished');
    info = a;
    self = b;
  });

  afterAll(async () => {
    await box?.kill();
  });

  test('reports exactly the namespaces readlink says differ', () => {
    const inside = readNsLinks(box.pid);
    const outside = readNsLinks(process.pid);
    const expected = NS_TYPES.filter((t) => inside[t] !== outside[t]);
    expect(expected.sort()).toEqual(['mnt', 'pid', 'uts']);
    expect(differingNamespaces(info.namespaces, self.namespaces).sort()).toEqual(expected.sort());
    for (const t of NS_TYPES) expect(info.namespaces[t]).toBe(inside[t]);
  });

  test('the in-namespace PID is what `echo $$` printed inside', () => {
    expect(box.innerPid).toBe(1);
    expect(info.nspid).toEqual([box.pid, box.innerPid]);
  });

  test('the tree annotates the namespaces entered, relative to the parent', async () => {
    const all = await scanProcesses();
    const forest = buildTree(all);
    const unshareNode = subtree(forest, box.unshare.pid ?? -1);
    expect(unshareNode).toBeDefined();
    const shell = unshareNode?.children.find((c) => c.pid === box.pid);
    // The shell differs from its parent (unshare, already in the new mnt and uts) by pid only.
    expect(shell?.annotations.map((a) => a.text)).toEqual(['pid:new']);
    expect(shell?.nsPid).toBe(1);
    // unshare itself is in the new mount and uts namespaces (its pid ns is the host's).
    const own = unshareNode?.annotations.map((a) => a.text).sort();
    expect(own).toEqual(['mnt:new', 'uts:new']);
    expect(renderTree(unshareNode!).join('\n')).toContain(`sleep(${box.pid}) [pid 1 inside]`);
  });

  test('kernel threads are hidden by default and shown on request', async () => {
    const all = await scanProcesses();
    const hidden = buildTree(all);
    const shown = buildTree(all, { kernelThreads: true });
    expect(hidden.some((n) => n.pid === 2)).toBe(false);
    expect(shown.some((n) => n.pid === 2)).toBe(true);
  });

  test('descendants of a pid are the lab session subtree', async () => {
    const all = await scanProcesses();
    expect(descendants(all, box.unshare.pid ?? -1)).toEqual([box.pid]);
    expect(descendants(all, process.pid)).toContain(box.pid);
  });

  test('the namespace table lists the new namespaces like lsns', async () => {
    const all = await scanProcesses();
    const table = namespaceTable(all);
    const uts = table.find((e) => e.type === 'uts' && e.inode === info.namespaces.uts);
    expect(uts).toMatchObject({ nprocs: 2, pid: box.unshare.pid, sharedWithHost: false });
    // Owner derived from the lowest PID: unshare(1), in the host's user namespace.
    expect(uts?.ownerUserNs).toBe(self.namespaces.user);
    const pidNs = table.find((e) => e.type === 'pid' && e.inode === info.namespaces.pid);
    expect(pidNs).toMatchObject({ nprocs: 1, pid: box.pid, pids: [box.pid] });
    const hostUts = table.find((e) => e.type === 'uts' && e.inode === self.namespaces.uts);
    expect(hostUts?.sharedWithHost).toBe(true);
    expect(hostReference(all).namespaces.uts).toBe(self.namespaces.uts);
  });

  test("the mount table differs from the host's by the new /proc", async () => {
    const [mine, host] = await Promise.all([readMounts(box.pid), readMounts(process.pid)]);
    const diff = diffMounts(mine ?? [], host ?? []);
    // --mount-proc stacked a new proc instance on /proc: same place, new device number.
    const procs = (list: typeof diff.added): string[] =>
      list.filter((m) => m.mountPoint === '/proc' && m.fstype === 'proc').map((m) => m.device);
    expect(procs(diff.added)).toHaveLength(1);
    expect(procs(host ?? [])).not.toContain(procs(diff.added)[0]);
  });
});

describe('a process in a new user namespace', () => {
  test('user namespace owner is the parent user namespace', async () => {
    const box = await startUnshared(['--user', '--map-root-user']);
    try {
      const all = await scanProcesses();
      const me = all.find((p) => p.pid === process.pid);
      const inside = all.find((p) => p.pid === box.pid);
      const row = namespaceTable(all).find(
        (e) => e.type === 'user' && e.inode === inside?.namespaces.user,
      );
      expect(row?.ownerUserNs).toBe(me?.namespaces.user);
      expect(row?.ownerDerivedFrom).toBe(process.pid);
    } finally {
      await box.kill();
    }
  });
});

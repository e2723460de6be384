/**
 * A lab containerd on its own socket and root: it starts fast, imports the offline lab image
 * with the real `ctr`, runs `echo` in it (with plain ctr, as a learner would, and through
 * the lab's journaled helper), and stops leaving nothing behind.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/engine/exec.js';
import {
  importLabImage,
  runInContainerd,
  startLabContainerd,
  type LabContainerd,
} from '../../src/engine/daemons/index.js';
import { LabSession } from '../../src/engine/session.js';
import { contlab } from '../helpers/cli.js';
import {
  buildDist,
  labCgroupDirs,
  mountsBelow,
  namespaceCgroupDirs,
  pidsMentioning,
} from '../helpers/daemons.js';
import { processExists } from '../helpers/host.js';
import { useTempLab } from '../helpers/lab-env.js';

const lab = useTempLab();
let session: LabSession | undefined;
let containerd: LabContainerd;
const hadRunContainerd = existsSync('/run/containerd');

beforeAll(async () => {
  buildDist();
  session = await LabSession.open();
  containerd = await startLabContainerd(session);
  process.stdout.write(`lab containerd ready in ${containerd.startupMs.toFixed(0)} ms\n`);
});

afterAll(async () => {
  await session?.close();
  contlab(['cleanup'], lab.env);
  lab.remove();
});

describe('the lab containerd', () => {
  test('has its own config, socket, root and state under the session, and no TCP', () => {
    const s = session as LabSession;
    expect(containerd.address).toBe(join(s.runDir, 'containerd.sock'));
    expect(containerd.root.startsWith(s.dir + '/')).toBe(true);
    expect(containerd.state.startsWith(s.runDir + '/')).toBe(true);
    const config = readFileSync(containerd.configPath, 'utf8');
    expect(config).toContain('version = 2');
    expect(config).toContain('"io.containerd.grpc.v1.cri"');
    expect(config).toContain(`address = "${containerd.address}.ttrpc"`);
    expect(config).not.toMatch(/address = "[^"]*:\d+"/);
    // Started through the session: it lives in the session's cgroup.
    expect(readFileSync(`/proc/${containerd.pid}/cgroup`, 'utf8')).toContain(`/contlab/${s.id}`);
  });

  test('imports the lab image and runs echo in it with plain ctr', async () => {
    const image = await importLabImage(containerd);
    const r = await run('ctr', [
      '-a',
      containerd.address,
      '-n',
      containerd.namespace,
      'run',
      '--rm',
      image.reference,
      `contlab-echo-${process.pid}`,
      'echo',
      'hello',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello\n');
    // Without --cgroup, runc put it in /<namespace>/<id> and left the namespace's folder.
    expect(namespaceCgroupDirs(containerd.namespace).length).toBeGreaterThan(0);
  });

  test("runs the lab's own containers with runc state and cgroup inside the session", async () => {
    const s = session as LabSession;
    const bg = await runInContainerd(s, containerd, 'bg', ['sleep', '1000'], { detach: true });
    const tasks = await containerd.ctr(['tasks', 'list']);
    const pid = Number(/contlab-bg\s+(\d+)/.exec(tasks.stdout)?.[1]);
    expect(processExists(pid)).toBe(true);
    expect(
      existsSync(join(containerd.runcRoot, containerd.namespace, 'contlab-bg', 'state.json')),
    ).toBe(true);
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(
      `/contlab/${s.id}/containerd/contlab-bg`,
    );
    await bg.remove();
    expect(processExists(pid)).toBe(false);
    expect((await containerd.ctr(['containers', 'list', '--quiet'])).stdout).toBe('');

    const fg = await runInContainerd(s, containerd, 'fg', ['echo', 'hello']);
    expect(fg.result.stdout).toBe('hello\n');
  });

  test('stops: no process names its socket, nothing stays mounted', async () => {
    const s = session as LabSession;
    await containerd.stop();
    expect(processExists(containerd.pid)).toBe(false);
    expect(pidsMentioning(containerd.address)).toEqual([]);
    expect(mountsBelow(s.dir)).toEqual([]);
    expect(mountsBelow(s.runDir)).toEqual([]);
    await s.close();
    expect(labCgroupDirs(s.id)).toEqual([]);
    // The lab journaled that folder before containerd started: closing removed it.
    expect(namespaceCgroupDirs(containerd.namespace)).toEqual([]);
    // Plain ctr made /run/containerd/{runc,fifo,s}; the empty ones went with the daemon.
    expect(existsSync('/run/containerd')).toBe(hadRunContainerd);
  });
});

/**
 * A lab dockerd on its own socket, data root and exec root, over a lab containerd, with no
 * bridge and no iptables: it loads the offline lab image from the tarball and runs
 * `docker run --rm --network none contlab/busybox echo hello`, and stops leaving nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { run } from '../../src/engine/exec.js';
import {
  loadLabImage,
  runInDocker,
  startLabContainerd,
  startLabDockerd,
  type LabDockerd,
} from '../../src/engine/daemons/index.js';
import { LabSession } from '../../src/engine/session.js';
import { contlab } from '../helpers/cli.js';
import { buildDist, labCgroupDirs, mountsBelow, pidsMentioning } from '../helpers/daemons.js';
import { processExists } from '../helpers/host.js';
import { useTempLab } from '../helpers/lab-env.js';

const lab = useTempLab();
let session: LabSession | undefined;
let dockerd: LabDockerd;
const hadKeyJson = existsSync('/etc/docker/key.json');

beforeAll(async () => {
  buildDist();
  session = await LabSession.open();
  const containerd = await startLabContainerd(session);
  dockerd = await startLabDockerd(session, containerd);
  process.stdout.write(
    `lab containerd ready in ${containerd.startupMs.toFixed(0)} ms, ` +
      `dockerd in ${dockerd.startupMs.toFixed(0)} ms\n`,
  );
});

afterAll(async () => {
  await session?.close();
  contlab(['cleanup'], lab.env);
  lab.remove();
});

describe('the lab dockerd', () => {
  test('listens only on its own unix socket, with no bridge and no iptables', async () => {
    const s = session as LabSession;
    expect(dockerd.socket.startsWith(s.runDir + '/')).toBe(true);
    const args = readFileSync(`/proc/${dockerd.pid}/cmdline`, 'utf8').split('\0');
    expect(args).toEqual(
      expect.arrayContaining(['--bridge', 'none', '--iptables=false', '--ip-masq=false']),
    );
    expect(args.filter((a) => a.startsWith('tcp://'))).toEqual([]);
    const nets = await dockerd.docker(['network', 'ls', '--format', '{{.Name}}']);
    expect(nets.stdout.split('\n').filter(Boolean).sort()).toEqual(['host', 'none']);
    expect(existsSync('/etc/docker/key.json')).toBe(hadKeyJson);
  });

  test('loads the lab image tarball and runs echo with plain docker', async () => {
    await loadLabImage(dockerd);
    const r = await run('docker', [
      '-H',
      dockerd.host,
      'run',
      '--rm',
      '--network',
      'none',
      'contlab/busybox',
      'echo',
      'hello',
    ]);
    expect(r.stdout).toBe('hello\n');
    expect(r.code).toBe(0);
  });

  test("the lab's own containers are journaled and land under the session cgroup", async () => {
    const s = session as LabSession;
    const c = await runInDocker(s, dockerd, 'dbg', ['sleep', '1000'], { detach: true });
    const pid = Number(
      (await dockerd.docker(['inspect', '--format', '{{.State.Pid}}', c.id])).stdout,
    );
    expect(processExists(pid)).toBe(true);
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`/contlab/${s.id}/docker/`);
    await c.remove();
    expect(processExists(pid)).toBe(false);
  });

  test('stops: nothing names its socket or its containerd, nothing stays mounted', async () => {
    const s = session as LabSession;
    await dockerd.stop();
    await dockerd.containerd.stop();
    expect(processExists(dockerd.pid)).toBe(false);
    expect(pidsMentioning(dockerd.socket)).toEqual([]);
    expect(pidsMentioning(dockerd.containerd.address)).toEqual([]);
    expect(mountsBelow(s.dir)).toEqual([]);
    expect(mountsBelow(s.runDir)).toEqual([]);
    await s.close();
    expect(labCgroupDirs(s.id)).toEqual([]);
    expect(existsSync('/run/docker/plugins')).toBe(false);
  });
});

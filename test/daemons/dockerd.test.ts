/**
 * A lab dockerd on its own socket, data root and exec root, over a lab containerd, in a
 * network namespace of its own. With docker's bridge network (the networking lesson) its
 * bridge contlab0, its veth ends, its NAT rules and its docker-proxy stay in there: it loads
 * the offline lab image from the tarball, runs `docker run --rm --network none contlab/busybox
 * echo hello` and a published web server on its bridge. Without (every other lesson) it has
 * no networks but none and host, and no iptables rules. Both stop leaving nothing, on the
 * host's network least of all.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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
import { linkExists, processExists } from '../helpers/host.js';
import { useTempLab } from '../helpers/lab-env.js';

const lab = useTempLab();
let session: LabSession | undefined;
let dockerd: LabDockerd;
const hadKeyJson = existsSync('/etc/docker/key.json');
let dockerNetns = '';

/** The host's NAT rules as iptables (the same tool dockerd uses) prints them. */
function hostNatRules(): string {
  return spawnSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).stdout;
}

/** PIDs whose network namespace is `ns` (net:[inode]). */
function pidsInNetns(ns: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readlinkSync(`/proc/${n}/ns/net`) === ns;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function inDockerNetns(args: string[]): string {
  const r = spawnSync('nsenter', [`--net=${dockerd.netns}`, ...args], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

beforeAll(async () => {
  buildDist();
  session = await LabSession.open();
  const containerd = await startLabContainerd(session);
  dockerd = await startLabDockerd(session, containerd, { network: 'bridge' });
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
  test('listens only on its own unix socket, in a network namespace of its own', async () => {
    const s = session as LabSession;
    expect(dockerd.socket.startsWith(s.runDir + '/')).toBe(true);
    const args = readFileSync(`/proc/${dockerd.pid}/cmdline`, 'utf8').split('\0');
    expect(args[0]).toMatch(/dockerd$/);
    expect(args).toEqual(expect.arrayContaining(['--bridge', 'contlab0']));
    expect(args.filter((a) => a.startsWith('tcp://'))).toEqual([]);
    dockerNetns = readlinkSync(dockerd.netns);
    expect(dockerNetns).not.toBe(readlinkSync('/proc/self/ns/net'));
    expect(dockerd.env().LAB_DOCKER_NETNS).toBe(dockerd.netns);
    const nets = await dockerd.docker(['network', 'ls', '--format', '{{.Name}}']);
    expect(nets.stdout.split('\n').filter(Boolean).sort()).toEqual(['bridge', 'host', 'none']);
    const bridge = await dockerd.docker(['network', 'inspect', 'bridge', '--format', '{{json .}}']);
    expect(bridge.stdout).toContain('"com.docker.network.bridge.name":"contlab0"');
    expect(inDockerNetns(['ip', '-br', 'addr', 'show', 'contlab0'])).toContain('172.30.0.1/24');
    expect(linkExists('contlab0')).toBe(false);
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

  test('publishes a port with docker-proxy and NAT inside its netns, none on the host', async () => {
    const s = session as LabSession;
    const hostNat = hostNatRules();
    const c = await runInDocker(
      s,
      dockerd,
      'web',
      ['sh', '-c', 'echo contlab-hello > /tmp/index.html; exec httpd -f -p 80 -h /tmp'],
      { detach: true, network: 'bridge', extraArgs: ['--publish', '8080:80'] },
    );
    let page = '';
    for (let i = 0; i < 50 && !page.includes('contlab-hello'); i++) {
      page = inDockerNetns(['busybox', 'wget', '-qO-', 'http://127.0.0.1:8080/']);
      if (!page.includes('contlab-hello')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(page).toContain('contlab-hello');
    expect(inDockerNetns(['iptables', '-t', 'nat', '-S'])).toMatch(
      /DNAT --to-destination 172\.30\.0\.\d+:80/,
    );
    const ports = inDockerNetns(['ip', '-o', 'link', 'show', 'master', 'contlab0']);
    const veth = /^\d+: (veth[0-9a-f]+)@/m.exec(ports)?.[1];
    expect(veth).toBeDefined();
    const proxies = pidsMentioning('-host-port\u00008080');
    expect(proxies.length).toBeGreaterThan(0);
    for (const pid of proxies) expect(readlinkSync(`/proc/${pid}/ns/net`)).toBe(dockerNetns);
    // The container's veth end and the NAT rules are not the host's.
    expect(linkExists(veth as string)).toBe(false);
    expect(hostNatRules()).toBe(hostNat);
    await c.remove();
    expect(pidsMentioning('-host-port\u00008080')).toEqual([]);
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
    expect(pidsInNetns(dockerNetns)).toEqual([]);
    expect(pidsMentioning(dockerd.socket)).toEqual([]);
    expect(pidsMentioning(dockerd.containerd.address)).toEqual([]);
    expect(mountsBelow(s.dir)).toEqual([]);
    expect(mountsBelow(s.runDir)).toEqual([]);
  });

  test('without a bridge: only none and host, no NAT rules, still a netns of its own', async () => {
    const s = session as LabSession;
    const plain = await startLabDockerd(s, await startLabContainerd(s));
    const args = readFileSync(`/proc/${plain.pid}/cmdline`, 'utf8').split('\0');
    expect(args).toEqual(expect.arrayContaining(['--bridge', 'none', '--iptables=false']));
    const netns = readlinkSync(plain.netns);
    expect(netns).not.toBe(readlinkSync('/proc/self/ns/net'));
    const nets = await plain.docker(['network', 'ls', '--format', '{{.Name}}']);
    expect(nets.stdout.split('\n').filter(Boolean).sort()).toEqual(['host', 'none']);
    const nat = spawnSync('nsenter', [`--net=${plain.netns}`, 'iptables', '-t', 'nat', '-S'], {
      encoding: 'utf8',
    }).stdout;
    expect(nat).not.toMatch(/DOCKER|MASQUERADE/);
    await plain.stop();
    await plain.containerd.stop();
    expect(pidsInNetns(netns)).toEqual([]);
    await s.close();
    expect(labCgroupDirs(s.id)).toEqual([]);
    expect(existsSync('/run/docker/plugins')).toBe(false);
  });
});

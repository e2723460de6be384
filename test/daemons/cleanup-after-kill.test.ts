/**
 * A lab with a lab containerd and dockerd (and their containers, one made by hand) is killed
 * with SIGKILL together with its supervisor (test/daemons/kill-anywhere.test.ts lets the
 * supervisor do it); `contlab cleanup` must end every daemon, shim and container, unmount
 * what they mounted and remove their cgroups, looking only at the host.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { shimSocketPath } from '../../src/engine/daemons/leftovers.js';
import { contlab } from '../helpers/cli.js';
import {
  buildDist,
  labCgroupDirs,
  mountsBelow,
  namespaceCgroupDirs,
  pidsMentioning,
  sigkill,
  startReadyScript,
} from '../helpers/daemons.js';
import { processExists } from '../helpers/host.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { killSupervisor, supervisorOf } from '../helpers/supervisor.js';

interface Ready {
  sessionId: string;
  sessionDir: string;
  sessionRunDir: string;
  containerdAddress: string;
  containerdPid: number;
  containerdNamespace: string;
  dockerSocket: string;
  dockerdPid: number;
  sleepPids: number[];
}

const lab = makeTempLab();
let child: ChildProcess | undefined;
const hadRunContainerd = existsSync('/run/containerd');
const hadRunDocker = existsSync('/run/docker');

beforeAll(() => buildDist());

afterAll(async () => {
  if (child !== undefined) await sigkill(child);
  contlab(['cleanup'], lab.env);
  lab.remove();
});

describe('cleanup after a lab with daemons was killed', () => {
  test('no daemon, shim, container, mount or cgroup of the session remains', async () => {
    const started = await startReadyScript<Ready>(
      join(process.cwd(), 'test/daemons/lab-with-daemons.mjs'),
      lab.env,
    );
    child = started.child;
    const r = started.ready;
    expect(r.sleepPids).toHaveLength(3);
    for (const pid of [r.containerdPid, r.dockerdPid, ...r.sleepPids])
      expect(processExists(pid)).toBe(true);
    expect(pidsMentioning(r.containerdAddress).length).toBeGreaterThanOrEqual(3);
    expect(mountsBelow(r.sessionRunDir).length).toBeGreaterThan(0);
    expect(labCgroupDirs(r.sessionId).length).toBeGreaterThan(0);
    // ctr without --cgroup puts the hand-made container in /<namespace>/<id>: the lab's.
    expect(namespaceCgroupDirs(r.containerdNamespace).length).toBeGreaterThan(0);
    // The hand-made container's shim socket is where containerd 1.6 puts it.
    expect(
      existsSync(shimSocketPath(r.containerdAddress, r.containerdNamespace, 'contlab-byhand')),
    ).toBe(true);

    const supervisor = supervisorOf(lab.home, r.sessionId);
    expect(supervisor).toBeDefined();
    if (supervisor !== undefined) await killSupervisor(supervisor);
    await sigkill(child);
    // The daemons and containers outlive their lab and its supervisor: only cleanup ends them.
    expect(processExists(r.containerdPid)).toBe(true);
    expect(r.sleepPids.every(processExists)).toBe(true);

    const cleaned = contlab(['cleanup', '--json'], lab.env);
    const report = JSON.parse(cleaned.stdout) as { removed: string[]; errors: string[] };
    expect(report.errors).toEqual([]);
    expect(cleaned.code).toBe(0);
    expect(report.removed).toEqual(
      expect.arrayContaining([
        `containerd daemon (pid ${r.containerdPid})`,
        `dockerd daemon (pid ${r.dockerdPid})`,
        `containerd container ${r.containerdNamespace}/contlab-sleeper`,
        'docker container contlab-dsleeper',
      ]),
    );

    expect({
      containerd: processExists(r.containerdPid),
      dockerd: processExists(r.dockerdPid),
      sleeps: r.sleepPids.filter(processExists),
      mentioningContainerd: pidsMentioning(r.containerdAddress),
      mentioningDocker: pidsMentioning(r.dockerSocket),
      mounts: [...mountsBelow(r.sessionDir), ...mountsBelow(r.sessionRunDir)],
      sessionCgroups: labCgroupDirs(r.sessionId),
      byHandCgroups: namespaceCgroupDirs(r.containerdNamespace),
      byHandShimSocket: existsSync(
        shimSocketPath(r.containerdAddress, r.containerdNamespace, 'contlab-byhand'),
      ),
      byHandRuncState: existsSync(`/run/containerd/runc/${r.containerdNamespace}`),
      runContainerd: existsSync('/run/containerd') && !hadRunContainerd,
      runDocker: existsSync('/run/docker') && !hadRunDocker,
      sessionDirs: [r.sessionDir, r.sessionRunDir].filter((d) => existsSync(d)),
    }).toEqual({
      containerd: false,
      dockerd: false,
      sleeps: [],
      mentioningContainerd: [],
      mentioningDocker: [],
      mounts: [],
      sessionCgroups: [],
      byHandCgroups: [],
      byHandShimSocket: false,
      byHandRuncState: false,
      runContainerd: false,
      runDocker: false,
      sessionDirs: [],
    });

    const again = contlab(['cleanup'], lab.env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('nothing to clean up');
  });
});

/**
 * OCI runtime spec v1.1 requirements, each checked on the real kernel from the host side
 * (/proc, /sys, mountinfo), and side by side with runc where runc (1.1 here) meets them:
 *
 *   - delete of a container that is not stopped fails and leaves it as it was;
 *   - create --pid-file writes init's pid (and kill of a stopped container is an error);
 *   - annotations with keys the runtime does not know are not an error;
 *   - namespaces joined by path (uts with the hostname set there, ipc, network);
 *   - no mount namespace: the container shares the runtime's (and nothing stays mounted);
 *   - rootfsPropagation shared / slave / private / unbindable on the container's "/";
 *   - capabilities outside the runtime's bounding set: warned about and skipped;
 *   - process.rlimits, soft and hard, including a soft RLIMIT_NOFILE too small for a runtime;
 *   - memory fields the kernel no longer has: a warning, not a failure (v2: test/vm).
 *
 * (The prestart hook's "created" state is in hooks.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  RUNTIME,
  RuntimeLab,
  capMask,
  cgroupDirs,
  defaultConfig,
  procCaps,
  type OciConfig,
} from '../helpers/bundle.js';
import { processExists } from '../helpers/host.js';

const RUNC = spawnSync('sh', ['-c', 'command -v runc'], { encoding: 'utf8' }).stdout.trim();
/** Ours always; runc too when installed. */
const RUNTIMES = RUNC ? [RUNTIME, RUNC] : [RUNTIME];
const short = (rt: string) => (rt === RUNTIME ? 'ours' : 'runc');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let lab: RuntimeLab;
const holders: ChildProcess[] = [];
beforeAll(() => {
  lab = new RuntimeLab('spec');
});
afterAll(() => {
  for (const h of holders) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  lab?.cleanup();
});

function config(name: string, args: string[], edit: (c: OciConfig) => void = () => {}): OciConfig {
  const c = defaultConfig(args, lab.cgroupsPath(name));
  edit(c);
  return c;
}

function status(rt: string, id: string): string {
  const r = lab.run(['state', id], { runtime: rt });
  return r.code === 0 ? (JSON.parse(r.stdout) as { status: string }).status : r.stderr.trim();
}

function starttime(pid: number): string {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<boolean> {
  for (let t = 0; t < ms && !cond(); t += 20) await sleep(20);
  return cond();
}

/** run --detach; returns init's pid once it has exec'd `comm`. */
async function runDetached(
  rt: string,
  id: string,
  cfg: OciConfig,
  comm = 'sleep',
): Promise<number> {
  const b = lab.bundle(cfg);
  const pidFile = join(b, 'init.pid');
  const r = lab.run(['run', '--detach', '--pid-file', pidFile, '--bundle', b, id], { runtime: rt });
  if (r.code !== 0) throw new Error(`${short(rt)} run ${id}: ${r.stderr}`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await waitFor(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm);
  return pid;
}

describe('delete of a container that is not stopped', () => {
  for (const rt of RUNTIMES) {
    test(`fails and leaves a running, then a paused container as it was (${short(rt)})`, async () => {
      const id = `contlab-spec-del-${short(rt)}-${process.pid}`;
      const cg = lab.cgroupsPath(`del-${short(rt)}`);
      const pid = await runDetached(rt, id, config(`del-${short(rt)}`, ['sleep', '1000']));
      const born = starttime(pid);
      for (const want of ['running', 'paused']) {
        if (want === 'paused') expect(lab.run(['pause', id], { runtime: rt }).code).toBe(0);
        const r = lab.run(['delete', id], { runtime: rt });
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(/not stopped|running|paused/);
        expect(status(rt, id)).toBe(want);
        expect(processExists(pid) && starttime(pid) === born).toBe(true);
        expect(cgroupDirs(cg).length).toBeGreaterThan(0);
      }
      expect(lab.run(['resume', id], { runtime: rt }).code).toBe(0);
      expect(lab.run(['delete', '--force', id], { runtime: rt }).code).toBe(0);
      expect(cgroupDirs(cg)).toEqual([]);
    });
  }

  // runc 1.1 deletes a created container without --force (crun refuses, like the spec).
  test('fails and leaves a created container as it was: it can still be started (ours)', async () => {
    const id = `contlab-spec-delc-${process.pid}`;
    const b = lab.bundle(config('delc', ['sleep', '1000']));
    const pidFile = join(b, 'init.pid');
    expect(lab.run(['create', '--pid-file', pidFile, '--bundle', b, id]).code).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const born = starttime(pid);
    const r = lab.run(['delete', id]);
    expect(r).toMatchObject({
      code: 1,
      stderr: `cannot delete container ${id} that is not stopped: created\n`,
    });
    expect(status(RUNTIME, id)).toBe('created');
    expect(starttime(pid)).toBe(born);
    expect(existsSync(join(lab.stateRoot(RUNTIME), id, 'exec.fifo'))).toBe(true);
    expect(lab.run(['start', id]).code).toBe(0);
    expect(await waitFor(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep')).toBe(
      true,
    );
    expect(lab.run(['kill', id, 'KILL']).code).toBe(0);
    expect(await waitFor(() => status(RUNTIME, id) === 'stopped')).toBe(true);
    expect(lab.run(['delete', id]).code).toBe(0);
    expect(cgroupDirs(lab.cgroupsPath('delc'))).toEqual([]);
  });
});

describe('create --pid-file', () => {
  for (const rt of RUNTIMES) {
    test(`writes init's pid, also to a relative path; kill of a stopped container is an error (${short(rt)})`, async () => {
      const id = `contlab-spec-pid-${short(rt)}-${process.pid}`;
      const b = lab.bundle(config(`pid-${short(rt)}`, ['true']));
      // Relative to the runtime's working directory, as runtime-tools passes it.
      const r = spawnSync(
        rt,
        ['--root', lab.stateRoot(rt), 'create', '--pid-file', 'init.pid', '--bundle', b, id],
        {
          cwd: b,
          stdio: 'ignore',
        },
      );
      expect(r.status).toBe(0);
      const pid = Number(readFileSync(join(b, 'init.pid'), 'utf8'));
      expect(pid).toBeGreaterThan(1);
      expect(JSON.parse(lab.run(['state', id], { runtime: rt }).stdout)).toMatchObject({
        pid,
        status: 'created',
      });
      expect(lab.run(['start', id], { runtime: rt }).code).toBe(0);
      expect(await waitFor(() => status(rt, id) === 'stopped')).toBe(true);
      // `true` has exited: signalling it MUST fail (runtime.md#kill). This is the
      // "container not running" runtime-tools' pidfile test reports, from its kill.
      const k = lab.run(['kill', id, 'KILL'], { runtime: rt });
      expect(k.code).toBe(1);
      expect(k.stderr).toMatch(/container not running/);
      expect(lab.run(['delete', id], { runtime: rt }).code).toBe(0);
    });
  }
});

describe('annotations', () => {
  for (const rt of RUNTIMES) {
    test(`with keys no runtime knows are not an error, and come back in state (${short(rt)})`, async () => {
      const id = `contlab-spec-ann-${short(rt)}-${process.pid}`;
      const annotations = { 'org.contlab.test.unknown': 'x', 'com.example/odd key': 'y z' };
      await runDetached(
        rt,
        id,
        config(`ann-${short(rt)}`, ['sleep', '1000'], (c) => (c.annotations = annotations)),
      );
      expect(JSON.parse(lab.run(['state', id], { runtime: rt }).stdout).annotations).toEqual(
        annotations,
      );
      expect(lab.run(['delete', '--force', id], { runtime: rt }).code).toBe(0);
    });
  }
});

describe('linux.namespaces with a path', () => {
  for (const rt of RUNTIMES) {
    test(`joins uts (and sets the hostname there), ipc and network by path (${short(rt)})`, async () => {
      const holder = spawn('unshare', ['--uts', '--ipc', '--net', 'sleep', '1000'], {
        stdio: 'ignore',
      });
      holders.push(holder);
      const hp = holder.pid!;
      const link = (p: number | 'self', t: string) => readlinkSync(`/proc/${p}/ns/${t}`);
      expect(await waitFor(() => link(hp, 'uts') !== link('self', 'uts'))).toBe(true);
      const id = `contlab-spec-ns-${short(rt)}-${process.pid}`;
      const cfg = config(`ns-${short(rt)}`, ['sleep', '1000'], (c) => {
        c.hostname = `contlab-joined-${short(rt)}`;
        c.linux.namespaces = c.linux.namespaces.map((n) =>
          ['uts', 'ipc', 'network'].includes(n.type)
            ? { type: n.type, path: `/proc/${hp}/ns/${n.type === 'network' ? 'net' : n.type}` }
            : n,
        );
      });
      const pid = await runDetached(rt, id, cfg);
      for (const t of ['uts', 'ipc', 'net']) expect(link(pid, t)).toBe(link(hp, t));
      expect(link(pid, 'pid')).not.toBe(link('self', 'pid'));
      const name = spawnSync('nsenter', ['-t', String(hp), '-u', 'hostname'], { encoding: 'utf8' });
      expect(name.stdout.trim()).toBe(`contlab-joined-${short(rt)}`);
      expect(lab.run(['delete', '--force', id], { runtime: rt }).code).toBe(0);
      holder.kill('SIGKILL');
    });
  }
});

describe('a config without a mount namespace', () => {
  /** The whole life of the container inside a throwaway mount namespace (unshare -m), so
   * that "the runtime's mount namespace" is one this test owns; prints what it saw. */
  function lifeInOwnMountNamespace(rt: string, name: string) {
    const id = `contlab-spec-nomnt-${name}-${process.pid}`;
    const b = lab.bundle(
      config(`nomnt-${name}`, ['sleep', '1000'], (c) => {
        c.linux.namespaces = c.linux.namespaces.filter((n) => n.type !== 'mount');
        c.mounts = c.mounts.filter((m) => m.destination === '/proc');
        c.linux.maskedPaths = [];
        c.linux.readonlyPaths = [];
        c.root.readonly = false;
      }),
    );
    const R = `${rt} --root ${lab.stateRoot(rt)}`;
    const script = `
      ${R} run --detach --pid-file ${b}/init.pid --bundle ${b} ${id} || exit 1
      pid=$(cat ${b}/init.pid)
      while [ "$(cat /proc/$pid/comm)" != sleep ]; do sleep 0.01; done
      echo "mnt $(readlink /proc/$pid/ns/mnt) $(readlink /proc/$$/ns/mnt)"
      echo "root $(readlink /proc/$pid/root)"
      echo "proc $(nsenter -t $pid -p -r sh -c 'cat /proc/1/cmdline | tr "\\0" " "')"
      echo "exec $(${R} exec ${id} sh -c 'cat /proc/1/cmdline | tr "\\0" " "; ls /linuxrc' 2>&1 | tr '\\n' ' ')"
      ${R} delete --force ${id} || exit 2
      echo "left $(grep -c ' ${lab.rootfs}' /proc/self/mountinfo)"`;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const seen = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => [l.split(' ')[0]!, l.slice(l.indexOf(' ') + 1)]),
    );
    return seen;
  }

  test('is allowed: the container shares the runtime’s, chroots into the rootfs, and delete unmounts what it mounted', () => {
    const ours = lifeInOwnMountNamespace(RUNTIME, 'ours');
    const [theirs, same] = (ours.mnt ?? '').split(' ');
    expect(theirs).toMatch(/^mnt:\[\d+\]$/);
    expect(theirs).toBe(same);
    expect(ours.root).toBe(lab.rootfs);
    expect(ours.proc).toBe('sleep 1000 ');
    // exec lands in the same root (init's chroot) and pid namespace.
    expect(ours.exec).toBe('sleep 1000 /linuxrc ');
    // /proc (and the rootfs bind) were mounted in the runtime's namespace: all gone.
    expect(ours.left).toBe('0');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.rootfs);
    if (RUNC) {
      // runc runs it the same way (and leaves its mounts behind: the namespace dies here;
      // its exec lands in the host's root, not the container's).
      const runc = lifeInOwnMountNamespace(RUNC, 'runc');
      expect({ ...runc, left: '-', mnt: '-', exec: '-' }).toEqual({
        ...ours,
        left: '-',
        mnt: '-',
        exec: '-',
      });
      const [a, b] = (runc.mnt ?? '').split(' ');
      expect(a).toBe(b);
    }
  });
});

describe('linux.rootfsPropagation', () => {
  /** In the container's mount namespace (the host's nsenter, as root): rbind "/" to
   * /tmp/t, mount a tmpfs on /tmp/m, and see whether the copy got it (runtime-tools'
   * check). Returns the root mount's optional fields and that answer. */
  async function propagation(rt: string, prop: string) {
    const name = `prop-${prop}-${short(rt)}`;
    const id = `contlab-spec-${name}-${process.pid}`;
    const pid = await runDetached(
      rt,
      id,
      config(name, ['sleep', '1000'], (c) => {
        c.linux.rootfsPropagation = prop;
        c.root.readonly = false;
      }),
    );
    const rootLine =
      readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
        .split('\n')
        .find((l) => l.split(' ')[4] === '/') ?? '';
    const fields = rootLine.split(' - ')[0]!.split(' ').slice(6).join(' ');
    const check = spawnSync(
      'nsenter',
      [
        '-t',
        String(pid),
        '-m',
        '-p',
        '-r',
        '-w',
        'sh',
        '-c',
        'mkdir -p /tmp/t /tmp/m && mount -o rbind / /tmp/t && mount -t tmpfs contlab /tmp/m && grep -c " /tmp/t/tmp/m " /proc/self/mountinfo; umount /tmp/m; umount -l /tmp/t',
      ],
      { encoding: 'utf8' },
    );
    expect(lab.run(['delete', '--force', id], { runtime: rt }).code).toBe(0);
    return { fields, check: check.stdout.trim(), error: check.stderr.trim() };
  }

  test('shared: "/" is a peer group of its own, a mount under a copy of it propagates (ours)', async () => {
    const r = await propagation(RUNTIME, 'shared');
    expect(r.fields).toMatch(/shared:\d+/);
    expect(r.check).toBe('1');
    // A new peer group: the host saw none of it.
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.rootfs);
  });

  test('unbindable: "/" cannot be bind-mounted (ours; runc 1.1 fails to create it)', async () => {
    const r = await propagation(RUNTIME, 'unbindable');
    expect(r.fields).toMatch(/unbindable/);
    expect(r.error).toMatch(/mount/);
  });

  for (const prop of ['private', 'slave']) {
    test(`${prop}: nothing propagates, as with runc`, async () => {
      const results = [];
      for (const rt of RUNTIMES) results.push(await propagation(rt, prop));
      for (const r of results)
        expect(r).toMatchObject({ fields: expect.not.stringMatching(/shared/), check: '0' });
      if (results.length === 2) expect(results[0]!.check).toBe(results[1]!.check);
    });
  }
});

describe('capabilities the host does not have', () => {
  test('are warned about and skipped, the others granted (ours; runc 1.1 fails capset)', async () => {
    // The runtime runs with CAP_NET_RAW out of its bounding set (setpriv), so there is a
    // missing capability on any host; this one also lacks whatever its own CapBnd lacks.
    const bnd = procCaps(process.pid).CapBnd!;
    const want = ['CAP_KILL', 'CAP_NET_RAW', 'CAP_SYS_RESOURCE', 'CAP_CHOWN'];
    const missing = want.filter((c) => c === 'CAP_NET_RAW' || (bnd & capMask([c])) === 0n);
    const id = `contlab-spec-caps-${process.pid}`;
    const b = lab.bundle(
      config('caps', ['sleep', '1000'], (c) => {
        c.process.capabilities = { bounding: want, effective: want, permitted: want };
      }),
    );
    const pidFile = join(b, 'init.pid');
    // stderr to a file: a detached container keeps the runtime's stdio (a pipe would
    // only reach EOF when the container exits).
    const errFile = join(b, 'stderr');
    const asRuntime = (args: string[]) => {
      const fd = openSync(errFile, 'w');
      const r = spawnSync(
        'setpriv',
        ['--bounding-set', '-net_raw', RUNTIME, '--root', lab.stateRoot(RUNTIME), ...args],
        { stdio: ['ignore', 'ignore', fd], timeout: 30_000 },
      );
      closeSync(fd);
      return { status: r.status, stderr: readFileSync(errFile, 'utf8') };
    };
    try {
      const r = asRuntime(['run', '--detach', '--pid-file', pidFile, '--bundle', b, id]);
      const inOrder = want
        .filter((c) => missing.includes(c))
        .sort((x, y) => (capMask([x]) < capMask([y]) ? -1 : 1));
      expect(r.stderr).toBe(
        `warning: ignoring capabilities this host does not have (not in its bounding set): ${inOrder.join(' ')}\n`,
      );
      expect(r.status).toBe(0);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      const granted = capMask(want.filter((c) => !missing.includes(c)));
      expect(procCaps(pid)).toMatchObject({ CapBnd: granted, CapEff: granted, CapPrm: granted });
      // exec --cap goes through the same door.
      const e = asRuntime(['exec', '--cap', 'CAP_NET_RAW', id, 'true']);
      expect(e.stderr).toMatch(/^warning: ignoring capabilities .*CAP_NET_RAW.*\n$/);
      expect(e.status).toBe(0);
    } finally {
      expect(lab.run(['delete', '--force', id]).code).toBe(0);
    }
  });
});

describe('process.rlimits', () => {
  const limits = [
    { type: 'RLIMIT_NOFILE', soft: 3000, hard: 4000 },
    { type: 'RLIMIT_CPU', soft: 60, hard: 120 },
    { type: 'RLIMIT_AS', soft: 1 << 30, hard: 2 ** 31 },
    { type: 'RLIMIT_CORE', soft: 0, hard: 4096 },
  ];
  const rows = ['Max open files', 'Max cpu time', 'Max address space', 'Max core file size'];

  test('soft and hard limits are the process’s, as with runc (/proc/PID/limits)', async () => {
    const seen: Record<string, string[]> = {};
    for (const rt of RUNTIMES) {
      const id = `contlab-spec-rl-${short(rt)}-${process.pid}`;
      const pid = await runDetached(
        rt,
        id,
        config(`rl-${short(rt)}`, ['sleep', '1000'], (c) => (c.process.rlimits = limits)),
      );
      seen[short(rt)] = readFileSync(`/proc/${pid}/limits`, 'utf8')
        .split('\n')
        .filter((l) => rows.some((r) => l.startsWith(r)))
        .map((l) => l.replace(/\s+/g, ' ').trim());
      expect(lab.run(['delete', '--force', id], { runtime: rt }).code).toBe(0);
    }
    expect(seen.ours).toEqual([
      'Max cpu time 60 120 seconds',
      'Max core file size 0 4096 bytes',
      'Max open files 3000 4000 files',
      `Max address space ${1 << 30} ${2 ** 31} bytes`,
    ]);
    if (seen.runc) expect(seen.ours).toEqual(seen.runc);
  });

  test('a soft RLIMIT_NOFILE smaller than the runtime needs is applied just before execve (ours; runc fails)', () => {
    const id = `contlab-spec-rl5-${process.pid}`;
    const b = lab.bundle(
      config(
        'rl5',
        ['sh', '-c', 'ulimit -n; ulimit -Hn'],
        (c) => (c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 5, hard: 8 }]),
      ),
    );
    expect(lab.run(['run', '--bundle', b, id])).toEqual({ code: 0, stdout: '5\n8\n', stderr: '' });
  });
});

const v1Memory = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
(v1Memory ? describe : describe.skip)(
  'memory fields newer kernels dropped (cgroup v1 here; v2: test/vm)',
  () => {
    test('a warning for what the kernel ignores, the rest applied; the container runs (as with runc)', async () => {
      const MiB = 1024 * 1024;
      const memory = {
        limit: 64 * MiB,
        kernel: 32 * MiB,
        kernelTCP: 16 * MiB,
        swappiness: 30,
        disableOOMKiller: true,
      };
      const files = ['memory.swappiness', 'memory.oom_control', 'memory.kmem.tcp.limit_in_bytes'];
      const seen: Record<string, Record<string, string>> = {};
      for (const rt of RUNTIMES) {
        const name = `mem-${short(rt)}`;
        const id = `contlab-spec-${name}-${process.pid}`;
        const b = lab.bundle(
          config(name, ['sleep', '1000'], (c) => {
            c.linux.resources = { ...c.linux.resources, memory };
          }),
        );
        const r = lab.run(['run', '--detach', '--bundle', b, id], { runtime: rt });
        expect(r.code).toBe(0);
        if (rt === RUNTIME)
          expect(r.stderr).toMatch(
            /^warning: linux\.resources\.memory\.kernel ignored: this kernel no longer enforces/,
          );
        const dir = cgroupDirs(lab.cgroupsPath(name)).find((d) => d.includes('/memory/'))!;
        seen[short(rt)] = Object.fromEntries(
          files.map((f) => [f, readFileSync(join(dir, f), 'utf8').split('\n')[0]!]),
        );
        expect(lab.run(['delete', '--force', id], { runtime: rt }).code).toBe(0);
      }
      expect(seen.ours).toEqual({
        'memory.swappiness': '30',
        'memory.oom_control': 'oom_kill_disable 1',
        'memory.kmem.tcp.limit_in_bytes': String(16 * MiB),
      });
      // runc 1.1 ignores kernelTCP too (its warning covers both); the rest is the same.
      if (seen.runc)
        expect({ ...seen.runc, 'memory.kmem.tcp.limit_in_bytes': '' }).toEqual({
          ...seen.ours,
          'memory.kmem.tcp.limit_in_bytes': '',
        });
    });
  },
);

describe('afterwards', () => {
  test('nothing is left: no cgroup, no mount', () => {
    lab.cleanup();
    expect(cgroupDirs(lab.cgroupParent)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(lab.base);
  });
});

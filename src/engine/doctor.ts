/**
 * `contlab doctor`: every host requirement of the lab, checked on the real host, each with
 * a status and the exact remedy. Other commands use the same checks (the home screen greys
 * out lessons whose requirements are not met).
 *
 * Each check's name, detail and remedy are English strings (what `--json` prints, the same in
 * every language) and, in `said`, the same as phrases for `contlab doctor` to say in the
 * learner's language. Paths, versions, packages and commands are values, never words.
 */
import {
  accessSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  statfsSync,
} from 'node:fs';
import { release } from 'node:os';
import { cgroupHierarchies, cgroupMode, hierarchyFor } from './cgroupfs.js';
import { run, which } from './exec.js';
import { isRoot, labHome } from './paths.js';
import { nativeRuntimePath } from './repo.js';
import { vmCheck } from './vm/doctor-check.js';
import { english, phrase, type Phrase, type PhraseValue } from '../i18n/phrase.js';
import { madeCheck, type Check, type CheckStatus } from './doctor-check.js';

export { madeCheck, type Check, type CheckStatus };

export interface DoctorReport {
  ok: boolean;
  checks: Check[];
  /** The last word: can the lessons run here, as this user? */
  verdict: { status: CheckStatus; text: string; said?: Phrase };
}

const SETUP = 'sudo scripts/setup.sh';

function check(
  name: PhraseValue,
  pass: boolean,
  detail: PhraseValue,
  remedy: PhraseValue,
  required = true,
): Check {
  return madeCheck(
    name,
    pass ? 'ok' : required ? 'fail' : 'warn',
    detail,
    pass ? '' : remedy,
    required,
  );
}

function readTrim(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function kernelCheck(rel = release()): Check {
  const [major = 0, minor = 0] = rel.split(/[.-]/).map(Number);
  const pass = major > 5 || (major === 5 && minor >= 6);
  return madeCheck(
    phrase('doctor.name.kernel'),
    pass ? 'ok' : major >= 4 ? 'warn' : 'fail',
    `Linux ${rel}`,
    pass ? '' : phrase('doctor.kernel.remedy'),
    true,
  );
}

function rootCheck(): Check {
  const root = isRoot();
  return madeCheck(
    phrase('doctor.name.root'),
    root ? 'ok' : 'warn',
    phrase(root ? 'doctor.root.yes' : 'doctor.root.no'),
    root ? '' : phrase('doctor.root.remedy'),
    false,
  );
}

function cgroupChecks(): Check[] {
  const hs = cgroupHierarchies();
  const mode = cgroupMode(hs);
  const checks: Check[] = [
    check(
      phrase('doctor.name.cgroupMode'),
      mode !== 'none',
      mode === 'none' ? phrase('doctor.cgroup.none') : `cgroup ${mode}`,
      phrase('doctor.cgroup.remedy', { command: 'mount -t cgroup2 none /sys/fs/cgroup' }),
    ),
  ];
  const wanted: [string, string[], boolean][] = [
    ['memory', ['memory'], true],
    ['cpu', ['cpu'], true],
    ['pids', ['pids'], true],
    ['io', ['io', 'blkio'], false],
    ['freezer', ['freezer'], false],
    ['devices', ['devices'], false],
  ];
  for (const [label, names, required] of wanted) {
    const found = names.map((n) => ({ n, h: hierarchyFor(n, hs) })).find((x) => x.h !== undefined);
    // cgroup v2 has freezing and device control built in (cgroup.freeze, eBPF), not as controllers.
    const builtIn = mode === 'v2' && (label === 'freezer' || label === 'devices');
    const detail = found?.h
      ? phrase('doctor.controller.at', {
          name: found.n,
          path: found.h.mountPoint,
          version: String(found.h.version),
        })
      : builtIn
        ? phrase('doctor.controller.builtIn')
        : phrase('doctor.notAvailable');
    checks.push(
      check(
        phrase('doctor.name.controller', { name: label }),
        found !== undefined || builtIn,
        detail,
        phrase('doctor.controller.remedy', {
          name: label,
          config: `CONFIG_CGROUP_${label.toUpperCase()}`,
        }),
        required,
      ),
    );
  }
  return checks;
}

function namespaceChecks(): Check[] {
  const types: [string, boolean][] = [
    ['cgroup', true],
    ['ipc', true],
    ['mnt', true],
    ['net', true],
    ['pid', true],
    ['user', true],
    ['uts', true],
    ['time', false],
  ];
  return types.map(([t, required]) =>
    check(
      phrase('doctor.name.namespace', { type: t }),
      existsSync(`/proc/self/ns/${t}`),
      existsSync(`/proc/self/ns/${t}`)
        ? `/proc/self/ns/${t}`
        : phrase('doctor.namespace.unsupported'),
      phrase('doctor.namespace.remedy', { config: `CONFIG_${t.toUpperCase()}_NS` }),
      required,
    ),
  );
}

function userNsCheck(): Check {
  const max = Number(readTrim('/proc/sys/user/max_user_namespaces') ?? '0');
  const debian = readTrim('/proc/sys/kernel/unprivileged_userns_clone');
  const ubuntu = readTrim('/proc/sys/kernel/apparmor_restrict_unprivileged_userns');
  const blockers: string[] = [];
  if (max === 0) blockers.push('user.max_user_namespaces=0');
  if (debian === '0') blockers.push('kernel.unprivileged_userns_clone=0');
  if (ubuntu === '1') blockers.push('kernel.apparmor_restrict_unprivileged_userns=1');
  return check(
    phrase('doctor.name.userns'),
    blockers.length === 0,
    blockers.length === 0
      ? phrase('doctor.userns.allowed', { max: String(max) })
      : phrase('doctor.userns.blocked', { settings: blockers.join(', ') }),
    phrase('doctor.userns.remedy', {
      command: `sysctl -w ${blockers.map((b) => b.replace(/=\d$/, max === 0 && b.startsWith('user') ? '=15000' : b.startsWith('kernel.apparmor') ? '=0' : '=1')).join(' ')}`,
    }),
    false,
  );
}

function overlayCheck(): Check {
  const fs = readTrim('/proc/filesystems') ?? '';
  const loaded = /\boverlay$/m.test(fs);
  const module = existsSync(`/lib/modules/${release()}/kernel/fs/overlayfs`);
  return check(
    'overlayfs',
    loaded || module,
    loaded
      ? phrase('doctor.overlay.loaded', { file: '/proc/filesystems' })
      : module
        ? phrase('doctor.overlay.module')
        : phrase('doctor.notAvailable'),
    phrase('doctor.overlay.remedy', { command: 'modprobe overlay', config: 'CONFIG_OVERLAY_FS' }),
  );
}

/** True when the ELF file has no PT_INTERP program header, i.e. it is statically linked. */
export function isStaticElf(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2) return false;
    const phoff = Number(head.readBigUInt64LE(32));
    const phentsize = head.readUInt16LE(54);
    const phnum = head.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false;
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface ToolSpec {
  name: string;
  bin: string;
  args: string[];
  pkg: string;
  required: boolean;
}

const TOOLS: ToolSpec[] = [
  { name: 'runc', bin: 'runc', args: ['--version'], pkg: 'runc', required: true },
  { name: 'crun', bin: 'crun', args: ['--version'], pkg: 'crun', required: false },
  { name: 'containerd', bin: 'containerd', args: ['--version'], pkg: 'containerd', required: true },
  { name: 'ctr', bin: 'ctr', args: ['--version'], pkg: 'containerd', required: true },
  { name: 'dockerd', bin: 'dockerd', args: ['--version'], pkg: 'docker.io', required: true },
  { name: 'docker', bin: 'docker', args: ['--version'], pkg: 'docker.io', required: true },
  { name: 'unshare', bin: 'unshare', args: ['--version'], pkg: 'util-linux', required: true },
  { name: 'nsenter', bin: 'nsenter', args: ['--version'], pkg: 'util-linux', required: true },
  { name: 'ip', bin: 'ip', args: ['-V'], pkg: 'iproute2', required: true },
  { name: 'capsh', bin: 'capsh', args: ['--decode=0'], pkg: 'libcap2-bin', required: true },
  { name: 'pstree', bin: 'pstree', args: ['--version'], pkg: 'psmisc', required: true },
  { name: 'strace', bin: 'strace', args: ['--version'], pkg: 'strace', required: false },
  // The lab dockerd programs its NAT rules (in its own network namespace) with iptables.
  { name: 'iptables', bin: 'iptables', args: ['--version'], pkg: 'iptables', required: true },
  // Tools single lessons type: networking (nft), cgroups (cgcreate, stress, bpftool).
  { name: 'nft', bin: 'nft', args: ['--version'], pkg: 'nftables', required: false },
  { name: 'cgcreate', bin: 'cgcreate', args: ['--help'], pkg: 'cgroup-tools', required: false },
  { name: 'stress', bin: 'stress', args: ['--version'], pkg: 'stress', required: false },
  { name: 'bpftool', bin: 'bpftool', args: ['version'], pkg: 'bpftool', required: false },
];

async function toolCheck(t: ToolSpec): Promise<Check> {
  const path = which(t.bin);
  if (path === undefined) {
    return check(
      t.name,
      false,
      phrase('doctor.tool.missing'),
      phrase('doctor.tool.remedy', { command: `apt-get install ${t.pkg}`, setup: SETUP }),
      t.required,
    );
  }
  const r = await run(path, t.args, { timeoutMs: 5000 });
  // capsh has no --version: its answer to a harmless --decode proves it works, so name the path.
  const line =
    t.bin === 'capsh'
      ? path
      : ((r.stdout || r.stderr).split('\n').find((l) => l.trim() !== '') ?? '');
  return check(
    t.name,
    r.code === 0,
    r.code === 0
      ? line.trim()
      : phrase('doctor.tool.failed', { command: `${path} ${t.args.join(' ')}` }),
    phrase('doctor.tool.reinstall', { pkg: t.pkg }),
    t.required,
  );
}

function busyboxCheck(): Check {
  const path = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  const ok = path !== undefined && isStaticElf(path);
  return check(
    'busybox-static',
    ok,
    path === undefined
      ? phrase('doctor.busybox.none')
      : ok
        ? phrase('doctor.busybox.static', { path })
        : phrase('doctor.busybox.dynamic', { path }),
    phrase('doctor.busybox.remedy', { command: 'apt-get install busybox-static' }),
  );
}

async function runtimeCheck(): Promise<Check> {
  try {
    accessSync(nativeRuntimePath, constants.X_OK);
  } catch {
    return check(
      'contlab-runtime',
      false,
      phrase('doctor.runtime.notBuilt'),
      phrase('doctor.runtime.build', { command: 'make -C native' }),
    );
  }
  const r = await run(nativeRuntimePath, ['--version'], { timeoutMs: 5000 });
  const line = r.stdout.split('\n')[0] ?? '';
  return check(
    'contlab-runtime',
    r.code === 0,
    r.code === 0 ? line : phrase('doctor.runtime.exited', { code: String(r.code) }),
    phrase('doctor.runtime.rebuild', { command: 'make -C native' }),
  );
}

function diskCheck(): Check {
  let dir = labHome();
  while (!existsSync(dir) && dir !== '/') dir = dir.replace(/\/[^/]*$/, '') || '/';
  try {
    const st = statfsSync(dir);
    const free = st.bavail * st.bsize;
    const gib = free / 2 ** 30;
    return madeCheck(
      phrase('doctor.name.disk'),
      gib >= 1 ? 'ok' : gib >= 0.2 ? 'warn' : 'fail',
      phrase('doctor.disk.free', { gib: gib.toFixed(1), dir }),
      gib >= 1 ? '' : phrase('doctor.disk.remedy'),
      true,
    );
  } catch (err) {
    return check(
      phrase('doctor.name.disk'),
      false,
      phrase('doctor.disk.cannotStat', { dir, error: (err as Error).message }),
      phrase('doctor.disk.home'),
    );
  }
}

export async function doctor(): Promise<DoctorReport> {
  const [tools, vm] = await Promise.all([
    Promise.all([...TOOLS.map(toolCheck), runtimeCheck()]),
    vmCheck(),
  ]);
  const checks = [
    kernelCheck(),
    rootCheck(),
    ...cgroupChecks(),
    ...namespaceChecks(),
    userNsCheck(),
    overlayCheck(),
    busyboxCheck(),
    ...tools,
    diskCheck(),
    vm,
  ];
  const ok = checks.every((c) => c.status !== 'fail');
  return { ok, checks, verdict: verdict(ok, isRoot()) };
}

/**
 * Every lesson needs root, so a host that has everything still runs none of them for a
 * user who is not root: the verdict says so instead of "every lesson".
 */
export function verdict(ok: boolean, root: boolean): DoctorReport['verdict'] {
  const said = (status: CheckStatus, p: Phrase): DoctorReport['verdict'] => ({
    status,
    text: english(p),
    said: p,
  });
  if (!ok) return said('fail', phrase('doctor.verdict.fail'));
  if (!root) return said('warn', phrase('doctor.verdict.notRoot', { command: 'sudo contlab' }));
  return said('ok', phrase('doctor.verdict.ok'));
}

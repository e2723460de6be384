/**
 * KVM or TCG. An accessible /dev/kvm does not mean Debian's kernel boots under it (nested
 * or paravirtual hosts: this CI machine's PVM KVM rejects a standard guest), so KVM is
 * chosen only after one real boot under it succeeded; the verdict is cached per host
 * kernel, qemu and guest kernel, so later runs decide at once.
 */
import { phrase } from '../../i18n/phrase.js';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import type { LabSession } from '../session.js';
import { vmCacheDir, type GuestKernel } from './kernel.js';
import { VirtualMachine } from './machine.js';
import type { Accel } from './qemu-args.js';
import { kvmAccessible, type VmTools } from './tools.js';

export type AccelChoice = Accel | 'auto';

interface Verdict {
  key: string;
  kvm: boolean;
  detail: string;
}

function probeKey(kernel: GuestKernel, tools: VmTools): string {
  let qemu = '';
  try {
    qemu = execFileSync(tools.qemu, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    // an unreadable version only makes the cache key less specific
  }
  return `${release()}|${qemu}|${kernel.packageName}`;
}

const verdictFile = (): string => join(vmCacheDir(), 'kvm-probe.json');

function cachedVerdict(key: string): Verdict | undefined {
  try {
    const v = JSON.parse(readFileSync(verdictFile(), 'utf8')) as Partial<Verdict>;
    return v.key === key && typeof v.kvm === 'boolean'
      ? { key, kvm: v.kvm, detail: String(v.detail ?? '') }
      : undefined;
  } catch {
    return undefined;
  }
}

function saveVerdict(v: Verdict): void {
  mkdirSync(vmCacheDir(), { recursive: true });
  writeFileSync(`${verdictFile()}.tmp`, JSON.stringify(v));
  renameSync(`${verdictFile()}.tmp`, verdictFile());
}

/** Boots the guest under KVM once with `true` as its job. */
async function probeKvm(ctx: {
  session: LabSession;
  kernel: GuestKernel;
  tools: VmTools;
}): Promise<{ ok: boolean; detail: string }> {
  const vm = new VirtualMachine({
    ...ctx,
    accel: 'kvm',
    job: { argv: ['true'], cwd: '/', env: {}, tty: false, rows: 24, cols: 80 },
    memoryMiB: 512,
    cpus: 1,
    diskMiB: 0,
    bootTimeoutMs: 20_000,
    runTimeoutMs: 20_000,
  });
  const exit = await vm.run();
  if (exit.exitCode === 0) return { ok: true, detail: `booted in ${exit.bootMs} ms` };
  const last = exit.consoleTail.split('\n').filter(Boolean).slice(-1)[0] ?? exit.failure ?? '';
  return { ok: false, detail: last.slice(0, 200) };
}

/** What `auto` resolves to here, probing KVM when it has not been probed yet. */
export async function chooseAccel(
  choice: AccelChoice,
  ctx: { session: LabSession; kernel: GuestKernel; tools: VmTools },
): Promise<Accel> {
  if (choice === 'tcg') return 'tcg';
  if (!kvmAccessible()) {
    if (choice === 'kvm')
      throw new LabError(phrase('error.vm.noKvm', { flag: '--accel kvm', path: '/dev/kvm' }), {
        remedy: existsSync('/dev/kvm')
          ? phrase('error.vm.kvmGroup', { command: 'sudo adduser $USER kvm' })
          : phrase('error.vm.enableVirt', { flag: '--accel tcg' }),
      });
    return 'tcg';
  }
  if (choice === 'kvm') return 'kvm';
  return (await kvmVerdict(ctx)).kvm ? 'kvm' : 'tcg';
}

export async function kvmVerdict(ctx: {
  session: LabSession;
  kernel: GuestKernel;
  tools: VmTools;
}): Promise<Verdict> {
  const key = probeKey(ctx.kernel, ctx.tools);
  const cached = cachedVerdict(key);
  if (cached !== undefined) return cached;
  const probe = await probeKvm(ctx);
  const verdict = { key, kvm: probe.ok, detail: probe.detail };
  saveVerdict(verdict);
  return verdict;
}

/** The cached verdict without probing (for doctor), or undefined when never probed. */
export function knownKvmVerdict(kernel: GuestKernel, tools: VmTools): Verdict | undefined {
  return cachedVerdict(probeKey(kernel, tools));
}

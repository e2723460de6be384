/**
 * `contlab vm run`: one command in a fresh cgroup-v2 VM on this machine's own root
 * filesystem, its output streamed, its exit status returned. Picks KVM when it really
 * works here (probed once, see accel.ts), TCG otherwise.
 */
import { phrase, type Phrase } from '../../i18n/phrase.js';
import { cpus as hostCpus } from 'node:os';
import { LabError } from '../errors.js';
import { LabSession } from '../session.js';
import { chooseAccel, type AccelChoice } from './accel.js';
import { guestKernel } from './kernel.js';
import { VirtualMachine, type VmExit } from './machine.js';
import type { Accel } from './qemu-args.js';
import { vmTools } from './tools.js';
import { timeScale } from '../time-scale.js';

/** How much slower a guest under software emulation (TCG) runs than the host. */
const TCG_TIME_SCALE = 3;

export interface VmRunOptions {
  argv: readonly string[];
  cwd?: string;
  env?: Record<string, string>;
  tty?: boolean;
  accel?: AccelChoice;
  memoryMiB?: number;
  cpus?: number;
  diskMiB?: number;
  bootTimeoutMs?: number;
  runTimeoutMs?: number;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  console?: NodeJS.WritableStream;
  /** With tty: the terminal's input (raw bytes go to the guest's console). */
  stdin?: NodeJS.ReadableStream;
  rows?: number;
  cols?: number;
  /** Called once qemu runs, for callers that talk to the guest (the --vm lab's agent). */
  onStarted?: (vm: VirtualMachine) => void;
  session?: LabSession;
}

export interface VmRunResult extends VmExit {
  accel: Accel;
  exitCode: number;
}

/** Environment a guest command inherits: the terminal's, never the host lab's paths. */
const PASSED_ENV = [
  'TERM',
  'LANG',
  'LC_ALL',
  'COLORTERM',
  'NO_COLOR',
  'FORCE_COLOR',
  'CONTLAB_DEBUG',
];

export function guestEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { HOME: '/root', CONTLAB_IN_VM: '1' };
  for (const name of PASSED_ENV) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export const DEFAULT_BOOT_TIMEOUT_MS = { kvm: 30_000, tcg: 120_000 } as const;

export async function runInVm(opts: VmRunOptions): Promise<VmRunResult> {
  if (opts.argv.length === 0)
    throw new LabError(phrase('error.vm.noCommand', { usage: 'contlab vm run -- CMD' }));
  const tools = vmTools();
  const kernel = await guestKernel();
  const ownSession = opts.session === undefined;
  const session = opts.session ?? (await LabSession.open());
  try {
    const accel = await chooseAccel(opts.accel ?? 'auto', { session, kernel, tools });
    const vm = new VirtualMachine({
      session,
      kernel,
      tools,
      accel,
      job: {
        argv: opts.argv,
        cwd: opts.cwd ?? process.cwd(),
        // Under emulation every process start is slow: the lab's time limits stretch, on top
        // of the host's own scale (a host that shares its cores with other work sets one).
        env: {
          ...guestEnv(),
          CONTLAB_TIME_SCALE: String(timeScale() * (accel === 'tcg' ? TCG_TIME_SCALE : 1)),
          ...opts.env,
        },
        tty: opts.tty === true,
        rows: opts.rows ?? 24,
        cols: opts.cols ?? 80,
      },
      memoryMiB: opts.memoryMiB ?? 2048,
      cpus: opts.cpus ?? Math.min(2, hostCpus().length),
      diskMiB: opts.diskMiB ?? 4096,
      bootTimeoutMs: opts.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS[accel],
      runTimeoutMs: opts.runTimeoutMs ?? 0,
      ...(opts.console === undefined ? {} : { console: opts.console }),
    });
    const exit = await vm.run((machine) => {
      void pipeJob(machine, opts);
      opts.onStarted?.(machine);
    });
    if (exit.exitCode === undefined) {
      const tail = exit.consoleTail.split('\n').slice(-15).join('\n');
      const failure = exit.failureSaid ?? phrase('error.vm.stopped');
      const remedy = vmRemedy(exit.failureSaid?.id ?? '', accel);
      throw new LabError(phrase('error.vm.failed', { failure, accel: accel.toUpperCase() }), {
        exitCode: exit.failureSaid?.id === 'vm.failure.timeout' ? 124 : 1,
        remedy: tail
          ? phrase('error.vm.remedyAndConsole', { remedy, console: indent(tail) })
          : remedy,
      });
    }
    return { ...exit, exitCode: exit.exitCode, accel };
  } finally {
    if (ownSession) await session.close();
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

/** What to do about a failure (the ID of its phrase, see machine.ts). */
function vmRemedy(failure: string, accel: Accel): Phrase {
  if (failure === 'vm.failure.noBoot')
    return accel === 'tcg'
      ? phrase('error.vm.remedy.slowTcg', { flag: '--boot-timeout SECONDS' })
      : phrase('error.vm.remedy.tryTcg', { flag: '--accel tcg' });
  if (failure === 'vm.failure.timeout')
    return phrase('error.vm.remedy.moreTime', { flag: '--timeout SECONDS' });
  return phrase('error.vm.remedy.console', { flag: '--console' });
}

/** Connects the job's output (and, on a terminal, its input) to the caller's streams. */
async function pipeJob(vm: VirtualMachine, opts: VmRunOptions): Promise<void> {
  if (opts.tty === true) {
    const console = await vm.port('console');
    console.pipe(opts.stdout ?? process.stdout, { end: false });
    if (opts.stdin !== undefined) opts.stdin.pipe(console);
    return;
  }
  const [out, err] = await Promise.all([vm.port('out'), vm.port('err')]);
  out.pipe(opts.stdout ?? process.stdout, { end: false });
  err.pipe(opts.stderr ?? process.stderr, { end: false });
}

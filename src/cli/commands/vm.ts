/**
 * `contlab vm run|shell|fetch|info`: the lab's throwaway cgroup-v2 VM. It boots this
 * machine's own root filesystem (read-only, with a RAM overlay) under Debian's cloud
 * kernel, so the real node, runc, containerd, dockerd and contlab-runtime run inside on a
 * pure cgroup v2 kernel, and nothing on the host is changed.
 */
import { phrase } from '../../i18n/phrase.js';
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { ensureLabDirs } from '../../engine/paths.js';
import type { AccelChoice } from '../../engine/vm/accel.js';
import { chalk, marks, printJson, table } from '../output.js';
import { t } from '../../i18n/messages.js';

interface RunFlags {
  accel: string;
  memory: string;
  cpus?: string;
  timeout?: string;
  bootTimeout?: string;
  console?: boolean;
  disk: boolean;
  tty?: boolean;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new LabError(phrase('error.flag.positive', { flag, text }));
  return n;
}

function accelOf(text: string): AccelChoice {
  if (text === 'auto' || text === 'kvm' || text === 'tcg') return text;
  throw new LabError(phrase('error.flag.accel', { flag: '--accel', text }));
}

function withRunFlags(cmd: Command): Command {
  return cmd
    .option('--accel <auto|kvm|tcg>', t('opt.vm.accel'), 'auto')
    .option('--memory <MiB>', t('opt.vm.memory'), '2048')
    .option('--cpus <n>', t('opt.vm.cpus'))
    .option('--timeout <seconds>', t('opt.vm.timeout'))
    .option('--boot-timeout <seconds>', t('opt.vm.bootTimeout'))
    .option('--console', t('opt.vm.console'))
    .option('--no-disk', t('opt.vm.noDisk'));
}

async function runCommand(argv: string[], flags: RunFlags, tty: boolean): Promise<void> {
  ensureLabDirs();
  const { runInVm } = await import('../../engine/vm/run.js');
  const timeout = positive(flags.timeout, '--timeout');
  const bootTimeout = positive(flags.bootTimeout, '--boot-timeout');
  const cpus = positive(flags.cpus, '--cpus');
  const raw = tty && process.stdin.isTTY === true;
  if (raw) process.stdin.setRawMode(true);
  try {
    const result = await runInVm({
      argv,
      tty,
      accel: accelOf(flags.accel),
      memoryMiB: positive(flags.memory, '--memory') ?? 2048,
      diskMiB: flags.disk ? 4096 : 0,
      ...(cpus === undefined ? {} : { cpus: Math.floor(cpus) }),
      ...(timeout === undefined ? {} : { runTimeoutMs: timeout * 1000 }),
      ...(bootTimeout === undefined ? {} : { bootTimeoutMs: bootTimeout * 1000 }),
      ...(flags.console ? { console: process.stderr } : {}),
      ...(tty
        ? {
            stdin: process.stdin,
            rows: process.stdout.rows ?? 24,
            cols: process.stdout.columns ?? 80,
          }
        : {}),
    });
    process.exitCode = result.exitCode;
  } finally {
    if (raw) process.stdin.setRawMode(false);
    process.stdin.pause();
  }
}

export function registerVm(program: Command): void {
  const vm = program.command('vm').description(t('cmd.vmCommand'));

  withRunFlags(
    vm
      .command('run')
      .description(t('cmd.vm.run'))
      .argument('<command...>', t('arg.vm.command'))
      .option('-t, --tty', t('opt.vm.tty')),
  ).action(async (argv: string[], flags: RunFlags) => {
    await runCommand(argv, flags, flags.tty === true);
  });

  withRunFlags(vm.command('shell').description(t('cmd.vm.shell'))).action(
    async (flags: RunFlags) => {
      await runCommand(['bash', '-l'], flags, true);
    },
  );

  // Inside the VM (contlab --vm): serves the lesson's lab to the TUI on the host.
  vm.command('agent', { hidden: true })
    .description("serve a lesson's lab to the host's player (runs inside the VM)")
    .action(async () => {
      const [
        { openGuestPort },
        { serveLab },
        { openLocalLab },
        { loadLessonFile },
        { progressFile },
      ] = await Promise.all([
        import('../../engine/vm/guest-port.js'),
        import('../../ui/app/remote/serve.js'),
        import('../../ui/app/local/lab.js'),
        import('../../lessons/load.js'),
        import('../../lessons/progress/store.js'),
      ]);
      ensureLabDirs();
      await serveLab(openGuestPort('agent'), {
        loadLesson: async (file) => loadLessonFile(file),
        openLab: (lesson) => openLocalLab(lesson),
        progressFile: progressFile(),
      });
      process.exit(0);
    });

  vm.command('fetch')
    .description(t('cmd.vm.fetch'))
    .action(async () => {
      const { guestKernel } = await import('../../engine/vm/kernel.js');
      const kernel = await guestKernel();
      process.stdout.write(`${marks.ok} ${kernel.packageName} (${kernel.release})\n`);
    });

  vm.command('info')
    .description(t('cmd.vm.info'))
    .option('--json', t('opt.vm.json'))
    .action(async (opts: { json?: boolean }) => {
      const { vmInfo } = await import('../../engine/vm/info.js');
      const info = await vmInfo();
      if (opts.json) {
        printJson(info);
        return;
      }
      const rows = Object.entries(info).map(([k, v]) => [chalk.dim(k), String(v ?? '-')]);
      process.stdout.write(`${table(rows)}\n`);
    });
}

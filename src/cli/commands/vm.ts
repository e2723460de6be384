/**
 * `contlab vm run|shell|fetch|info`: the lab's throwaway cgroup-v2 VM. It boots this
 * machine's own root filesystem (read-only, with a RAM overlay) under Debian's cloud
 * kernel, so the real node, runc, containerd, dockerd and contlab-runtime run inside on a
 * pure cgroup v2 kernel, and nothing on the host is changed.
 */
import { phrase, say } from '../../i18n/phrase.js';
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { ensureLabDirs } from '../../engine/paths.js';
import type { AccelChoice } from '../../engine/vm/accel.js';
import type { VmInfoSaid } from '../../engine/vm/info.js';
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

/**
 * `vm info`'s rows in the language, in the order of --json's keys (which the English labels
 * are). Program names, paths and packages stay as they are.
 */
function infoRows({ info, accelSaid, problemSaid }: VmInfoSaid): string[][] {
  const shown = (value: string | undefined): string => value ?? '-';
  const rows: [string, string][] = [
    [t('vm.info.label.available'), t(info.available ? 'vm.info.yes' : 'vm.info.no')],
    [
      t('vm.info.label.problem'),
      info.problem === undefined ? '-' : say(problemSaid ?? info.problem),
    ],
    [t('vm.info.label.kernel'), shown(info.kernel)],
    ['qemu', shown(info.qemu)],
    ['virtiofsd', shown(info.virtiofsd)],
    [t('vm.info.label.accel'), say(accelSaid)],
    // The guest console's last line when KVM failed: the kernel's and qemu's own words.
    [t('vm.info.label.kvmProblem'), shown(info.kvmProblem)],
    [t('vm.info.label.cache'), info.cache],
  ];
  return rows.map(([label, value]) => [chalk.dim(label), value]);
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
      const { guestKernel, vmCacheDir } = await import('../../engine/vm/kernel.js');
      const kernel = await guestKernel();
      const ready = t('vm.fetch.ready', {
        pkg: kernel.packageName,
        release: kernel.release,
        dir: vmCacheDir(),
      });
      process.stdout.write(`${marks.ok} ${ready}\n`);
    });

  vm.command('info')
    .description(t('cmd.vm.info'))
    .option('--json', t('opt.vm.json'))
    .action(async (opts: { json?: boolean }) => {
      const { vmInfoSaid } = await import('../../engine/vm/info.js');
      const said = await vmInfoSaid();
      if (opts.json) {
        printJson(said.info);
        return;
      }
      process.stdout.write(`${table(infoRows(said))}\n`);
    });
}

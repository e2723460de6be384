/**
 * One throwaway VM: virtiofsd shares the host's root, qemu boots Debian's cloud kernel on
 * it with pure cgroup v2, the guest runs one job and powers off. Everything on the host is
 * a lab session's resource (journaled before it exists), qemu and virtiofsd also get a
 * parent-death signal, and the sockets and initrd are deleted as soon as qemu holds them:
 * if the host process is killed, the kernel ends the VM at once and nothing stays.
 */
import { english, phrase, type Phrase } from '../../i18n/phrase.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { isRoot } from '../paths.js';
import { identityOf } from '../procfs.js';
import type { LabSession } from '../session.js';
import { recordBoot } from './doctor-check.js';
import { initrdWithJob } from './initramfs.js';
import { jobScript, type VmJob } from './job.js';
import type { GuestKernel } from './kernel.js';
import {
  PORTS,
  portSocket,
  qemuArgs,
  virtiofsdArgs,
  type Accel,
  type PortName,
} from './qemu-args.js';
import type { VmTools } from './tools.js';

export interface BootOptions {
  session: LabSession;
  kernel: GuestKernel;
  tools: VmTools;
  accel: Accel;
  job: Omit<VmJob, 'modulesDir' | 'disk'>;
  memoryMiB: number;
  cpus: number;
  diskMiB: number;
  /** From qemu's start to the guest's `ready` on the control port. */
  bootTimeoutMs: number;
  /** From `ready` to the job's exit (0: no limit). */
  runTimeoutMs: number;
  /** The kernel's serial console, streamed (otherwise only kept for error messages). */
  console?: NodeJS.WritableStream;
}

export interface VmExit {
  /** The job's exit status, or undefined when the VM stopped without reporting one. */
  exitCode: number | undefined;
  bootMs: number;
  totalMs: number;
  /** Why the VM stopped early (boot or run time limit, a crash), for the message. */
  failure: string | undefined;
  /** The same as a phrase, for the learner's language. */
  failureSaid: Phrase | undefined;
  /** The last lines of the serial console. */
  consoleTail: string;
}

const seconds = (ms: number): string =>
  `${ms < 10_000 ? (ms / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(ms / 1000)} s`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const CONSOLE_KEEP = 8192;
let counter = 0;

/** A unix socket qemu connects to (qemu is the client, so the host side exists first). */
class HostPort {
  readonly server: Server;
  socket: Socket | undefined;
  private readonly connected: Promise<Socket>;
  closed: Promise<void>;

  constructor(readonly path: string) {
    let resolveSocket: (s: Socket) => void = () => undefined;
    let resolveClosed: () => void = () => undefined;
    this.connected = new Promise((r) => (resolveSocket = r));
    this.closed = new Promise((r) => (resolveClosed = r));
    this.server = createServer((socket) => {
      this.socket = socket;
      socket.on('close', () => resolveClosed());
      socket.on('error', () => undefined);
      resolveSocket(socket);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.path, () => resolve());
    });
  }

  whenConnected(): Promise<Socket> {
    return this.connected;
  }

  close(): void {
    this.socket?.destroy();
    this.server.close();
  }
}

export class VirtualMachine {
  private readonly dir: string;
  /** Where virtiofsd's socket is: see startVirtiofsd. */
  private readonly fsDir: string;
  private readonly ports = new Map<PortName, HostPort>();
  private qemu: ChildProcess | undefined;
  private virtiofsd: ChildProcess | undefined;
  private consoleText = '';
  private qemuGone = false;
  private virtiofsdErr = '';

  constructor(private readonly opts: BootOptions) {
    const name = `vm-${process.pid}-${++counter}`;
    this.dir = join(opts.session.runDir, name);
    this.fsDir = isRoot() ? this.dir : join(opts.session.dir, `${name}-fs`);
  }

  private get fsSocket(): string {
    return join(this.fsDir, 'fs.sock');
  }

  /** The port a caller reads and writes (out, err, agent, console), once qemu is connected. */
  port(name: PortName): Promise<Socket> {
    const p = this.ports.get(name);
    if (p === undefined) throw new Error(`no port ${name}`);
    return p.whenConnected();
  }

  /** Boots, runs the job and waits until qemu is gone. Never leaves a process behind. */
  async run(onStarted?: (vm: VirtualMachine) => void): Promise<VmExit> {
    const { session } = this.opts;
    await session.makeDir(this.dir);
    if (this.fsDir !== this.dir) await session.makeDir(this.fsDir);
    const started = Date.now();
    let bootMs = 0;
    let failure: Phrase | undefined;
    try {
      for (const name of [...PORTS, 'console'] as PortName[]) {
        const port = new HostPort(portSocket(this.dir, name));
        await port.listen();
        this.ports.set(name, port);
      }
      await this.startVirtiofsd();
      const initrd = join(this.dir, 'initrd.gz');
      const job: VmJob = {
        ...this.opts.job,
        modulesDir: this.opts.kernel.modulesDir,
        disk: this.opts.diskMiB > 0,
      };
      writeFileSync(initrd, initrdWithJob(this.opts.kernel, jobScript(job)));
      const disk = this.opts.diskMiB > 0 ? join(this.dir, 'lab.img') : undefined;
      // Sparse: it only takes what the guest writes, and is unlinked once qemu holds it.
      if (disk !== undefined) {
        writeFileSync(disk, '');
        truncateSync(disk, this.opts.diskMiB * 1024 * 1024);
      }
      const qemuExit = this.startQemu(initrd, disk);
      onStarted?.(this);

      const ctl = await Promise.race([this.port('ctl'), qemuExit.then(() => undefined)]);
      const lines = ctl === undefined ? undefined : lineReader(ctl);
      const ready = await lines?.next('ready', this.opts.bootTimeoutMs, qemuExit);
      if (ready === undefined) {
        failure = this.qemuGone
          ? phrase('vm.failure.stoppedBooting')
          : phrase('vm.failure.noBoot', { time: seconds(this.opts.bootTimeoutMs) });
        return await this.finish(started, bootMs, undefined, failure);
      }
      bootMs = Date.now() - started;
      recordBoot({ accel: this.opts.accel, bootMs });
      // qemu holds the initrd in memory and its sockets open: the files can go now.
      this.forgetFiles();

      const runLimit = this.opts.runTimeoutMs > 0 ? this.opts.runTimeoutMs : 2 ** 31 - 1;
      const exitLine = await lines?.next('exit', runLimit, qemuExit);
      const exitCode = exitLine === undefined ? undefined : Number(exitLine.split(' ')[1]);
      if (exitCode === undefined)
        failure = this.qemuGone
          ? phrase('vm.failure.crashed')
          : phrase('vm.failure.timeout', { time: seconds(runLimit) });
      return await this.finish(started, bootMs, exitCode, failure);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async finish(
    started: number,
    bootMs: number,
    exitCode: number | undefined,
    failure: Phrase | undefined,
  ): Promise<VmExit> {
    // A reported exit is followed by poweroff within moments; anything else is stopped now.
    await this.stop(exitCode === undefined ? 0 : 10_000);
    return {
      exitCode,
      bootMs,
      totalMs: Date.now() - started,
      failure: failure === undefined ? undefined : english(failure),
      failureSaid: failure,
      consoleTail: this.consoleTail(),
    };
  }

  consoleTail(): string {
    // Without the firmware's and the kernel's terminal escapes (SeaBIOS clears the screen).
    // eslint-disable-next-line no-control-regex
    const tail = this.consoleText.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1bc/g, '');
    // virtiofsd's own lines only when they say more than that qemu went away.
    const fsd = this.virtiofsdErr
      .split('\n')
      .filter((l) => l.trim() !== '' && !/^virtio_(loop|session_mount)/.test(l))
      .join('\n');
    return [tail.trim(), fsd].filter(Boolean).join('\n');
  }

  private spawnTracked(file: string, args: string[], deathSignal = true): ChildProcess {
    // The parent-death signal ends the process the moment this one dies, even by SIGKILL.
    const { setpriv } = this.opts.tools;
    const [cmd, argv] =
      setpriv === undefined || !deathSignal
        ? [file, args]
        : [setpriv, ['--pdeathsig', 'KILL', '--', file, ...args]];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const id = child.pid === undefined ? undefined : identityOf(child.pid);
    if (id !== undefined) void this.opts.session.track({ kind: 'process', ...id }, () => undefined);
    return child;
  }

  /**
   * virtiofsd needs root. Without it, it runs as root of a user namespace that maps this
   * user and its subordinate IDs (newuidmap: setgroups stays allowed, which virtiofsd
   * calls), with a tmpfs on its own view of /run (it writes a pid file in /run/virtiofsd).
   * Its socket then lives outside /run, where qemu can see it.
   */
  private async startVirtiofsd(): Promise<void> {
    const { tools } = this.opts;
    const args = virtiofsdArgs(tools.virtiofsdFlavour, this.fsSocket);
    let child: ChildProcess;
    if (isRoot()) child = this.spawnTracked(tools.virtiofsd, args);
    else {
      if (tools.unshare === undefined || tools.newuidmap === undefined)
        throw new LabError(phrase('error.vm.noUidmap', { pkg: 'uidmap' }), {
          remedy: phrase('error.vm.noUidmap.remedy', {
            command: 'sudo apt-get install uidmap util-linux',
          }),
        });
      const inner = [
        ...(tools.setpriv === undefined ? [] : [tools.setpriv, '--pdeathsig', 'KILL', '--']),
        tools.virtiofsd,
        ...args,
      ];
      child = this.spawnTracked(
        tools.unshare,
        [
          '--map-root-user',
          '--map-auto',
          '--mount',
          '--',
          '/bin/sh',
          '-c',
          'mount -t tmpfs contlab-vm /run && exec "$@"',
          'contlab-virtiofsd',
          ...inner,
        ],
        false,
      );
    }
    child.stderr?.on('data', (d: Buffer) => {
      this.virtiofsdErr = (this.virtiofsdErr + d.toString()).slice(-2048);
    });
    child.stdout?.resume();
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    for (let waited = 0; waited < 5000; waited += 20) {
      if (existsSync(this.fsSocket)) return;
      if (child.exitCode !== null || child.signalCode !== null) break;
      await Promise.race([sleep(20), exited]);
    }
    const why = this.virtiofsdErr.trim() || 'no socket';
    throw new LabError(phrase('error.vm.virtiofsd', { why }), {
      remedy: isRoot()
        ? phrase('error.vm.virtiofsd.reinstall', { pkg: 'qemu-system-common' })
        : /newuidmap|subuid|map/.test(why)
          ? phrase('error.vm.virtiofsd.subids', {
              command: 'sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $USER',
            })
          : phrase('error.vm.virtiofsd.rootOrUidmap'),
    });
  }

  private startQemu(initrd: string, disk: string | undefined): Promise<void> {
    const { tools, kernel } = this.opts;
    const args = qemuArgs({
      accel: this.opts.accel,
      memoryMiB: this.opts.memoryMiB,
      cpus: this.opts.cpus,
      vmlinuz: kernel.vmlinuz,
      initrd,
      sockets: this.dir,
      fsSocket: this.fsSocket,
      disk,
    });
    const child = this.spawnTracked(tools.qemu, args);
    this.qemu = child;
    const keep = (d: Buffer): void => {
      this.consoleText = (this.consoleText + d.toString()).slice(-CONSOLE_KEEP);
      this.opts.console?.write(d);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return new Promise((resolve) => {
      child.once('exit', () => {
        this.qemuGone = true;
        resolve();
      });
      child.once('error', (err) => {
        keep(Buffer.from(`qemu: ${err.message}\n`));
        this.qemuGone = true;
        resolve();
      });
    });
  }

  /**
   * Removes the sockets and the initrd: qemu already holds what it needs of them, and a
   * host process killed from now on leaves no file of its VM behind.
   */
  private forgetFiles(): void {
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.fsDir, { recursive: true, force: true });
  }

  /** Waits up to `graceMs` for qemu to power off, then kills qemu and virtiofsd by PID. */
  private async stop(graceMs = 0): Promise<void> {
    const alive = (c: ChildProcess | undefined): c is ChildProcess =>
      c !== undefined && c.exitCode === null && c.signalCode === null;
    for (let waited = 0; waited < graceMs && alive(this.qemu); waited += 20) await sleep(20);
    for (const child of [this.qemu, this.virtiofsd]) {
      if (!alive(child)) continue;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGKILL');
      await gone;
    }
    // virtiofsd leaves by itself once qemu has gone; give its exit a moment to be seen.
    for (const port of this.ports.values()) port.close();
    this.forgetFiles();
  }
}

/**
 * Reads `word ...` lines from the control port. `next` waits for a line starting with
 * `word` until the time limit, or until `gone` settles and the port has said all it had
 * (qemu may exit a moment before its last bytes are read here).
 */
function lineReader(socket: Socket): {
  next(word: string, timeoutMs: number, gone: Promise<void>): Promise<string | undefined>;
} {
  let buffer = '';
  const lines: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      lines.push(buffer.slice(0, nl).trim());
      buffer = buffer.slice(nl + 1);
    }
    wake?.();
  });
  socket.on('close', () => {
    ended = true;
    wake?.();
  });
  return {
    async next(word, timeoutMs, gone) {
      const deadline = Date.now() + timeoutMs;
      let goneAt: number | undefined;
      void gone.then(() => {
        goneAt = Date.now();
        wake?.();
      });
      for (;;) {
        const i = lines.findIndex((l) => l.split(' ')[0] === word);
        if (i >= 0) return lines.splice(i, 1)[0];
        const now = Date.now();
        if (ended || now >= deadline || (goneAt !== undefined && now - goneAt > 1000))
          return undefined;
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, Math.min(250, deadline - now));
        });
      }
    },
  };
}

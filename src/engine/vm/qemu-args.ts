/**
 * The command lines of qemu and virtiofsd for one VM, built from plain values so they can
 * be read and tested apart from starting anything.
 */
import { join } from 'node:path';

export type Accel = 'kvm' | 'tcg';

export interface MachineSpec {
  accel: Accel;
  memoryMiB: number;
  cpus: number;
  vmlinuz: string;
  initrd: string;
  /** Directory of the host-side sockets of the virtio ports. */
  sockets: string;
  /** virtiofsd's socket (elsewhere when virtiofsd runs in a user namespace, see machine.ts). */
  fsSocket: string;
  /** The lab disk (/dev/vda): a sparse raw file, or undefined for none. */
  disk: string | undefined;
}

/** The virtio-serial ports between host and guest: name inside the guest -> socket file. */
export const PORTS = ['ctl', 'out', 'err', 'agent'] as const;
export type PortName = (typeof PORTS)[number] | 'console';

export const portSocket = (sockets: string, port: PortName): string =>
  join(sockets, `${port}.sock`);

/**
 * Kernel parameters: pure cgroup v2 (no v1 controller can be mounted; the systemd flag is
 * what a systemd guest would read), a quiet serial console, and no reboot on panic (qemu
 * then exits and the host reports it).
 */
export const KERNEL_CMDLINE = [
  'console=ttyS0',
  'quiet',
  'loglevel=3',
  'panic=-1',
  'cgroup_no_v1=all',
  'systemd.unified_cgroup_hierarchy=1',
  'mitigations=off',
  'rdinit=/init',
].join(' ');

/**
 * The CPU emulated under TCG: an x86-64-v2 model, not `max`. With `max` the guest gets AVX-512
 * and XSAVE, whose emulation makes every context switch and process start expensive: 200
 * `/bin/true` took 28-30 s in the guest, against 13-15 s on Nehalem (node starts 0.5 s slower
 * there; lessons start far more processes than node). CONTLAB_VM_CPU overrides it.
 */
const TCG_CPU = 'Nehalem';

export function qemuArgs(spec: MachineSpec): string[] {
  const mem = `${spec.memoryMiB}M`;
  const args = [
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    ...(spec.accel === 'kvm'
      ? ['-accel', 'kvm', '-cpu', 'host']
      : ['-accel', 'tcg,thread=multi,tb-size=512', '-cpu', process.env.CONTLAB_VM_CPU ?? TCG_CPU]),
    '-m',
    mem,
    '-smp',
    String(spec.cpus),
    // vhost-user (virtiofsd) reads guest memory directly: it must be shareable memory.
    '-object',
    `memory-backend-memfd,id=mem,size=${mem},share=on`,
    '-numa',
    'node,memdev=mem',
    '-kernel',
    spec.vmlinuz,
    '-initrd',
    spec.initrd,
    '-append',
    KERNEL_CMDLINE,
    '-serial',
    'stdio',
    '-chardev',
    `socket,id=fs,path=${spec.fsSocket}`,
    '-device',
    'vhost-user-fs-pci,chardev=fs,tag=hostroot',
    '-device',
    'virtio-serial-pci,id=ser',
    '-chardev',
    `socket,id=console,path=${portSocket(spec.sockets, 'console')}`,
    '-device',
    'virtconsole,bus=ser.0,chardev=console,name=contlab.console',
  ];
  for (const port of PORTS)
    args.push(
      '-chardev',
      `socket,id=${port},path=${portSocket(spec.sockets, port)}`,
      '-device',
      `virtserialport,bus=ser.0,chardev=${port},name=contlab.${port}`,
    );
  if (spec.disk !== undefined)
    // The guest's lab disk: the lab home is ext4 on a real block device there, as on a
    // learner's laptop (I/O limits need a disk; overlayfs and dockerd want a real fs).
    // discard=unmap gives the space of deleted files back to the host file.
    args.push(
      '-drive',
      `if=none,id=lab,file=${spec.disk},format=raw,discard=unmap,cache=unsafe`,
      '-device',
      'virtio-blk-pci,drive=lab',
    );
  return args;
}

export type VirtiofsdFlavour = 'c' | 'rust';

/**
 * virtiofsd serving the host's root read-only in effect (the guest mounts it ro and puts an
 * overlay on top). `chroot` sandboxing: the namespace sandbox cannot pivot_root into `/`.
 */
export function virtiofsdArgs(flavour: VirtiofsdFlavour, socket: string): string[] {
  if (flavour === 'rust')
    return [
      `--socket-path=${socket}`,
      '--shared-dir=/',
      '--cache=auto',
      '--sandbox=chroot',
      '--log-level=error',
    ];
  return [
    `--socket-path=${socket}`,
    '-o',
    'source=/',
    '-o',
    'cache=auto',
    '-o',
    'sandbox=chroot',
    '-o',
    'log_level=err',
  ];
}

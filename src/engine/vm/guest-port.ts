/**
 * Inside the VM: a virtio-serial port the host named (`contlab.agent`...) as a stream.
 * The guest has no udev to make /dev/virtio-ports/NAME links, so the port is found by the
 * name in sysfs. A character device cannot be a net.Socket, and a virtio port can be open
 * only once at a time: one file descriptor, read by a loop of reads and written by writes,
 * makes the Duplex.
 */
import { phrase } from '../../i18n/phrase.js';
import { constants, openSync, read, readdirSync, readFileSync, write } from 'node:fs';
import { Duplex } from 'node:stream';
import { LabError } from '../errors.js';

const PORTS = '/sys/class/virtio-ports';

export function guestPortDevice(name: string): string {
  let entries: string[] = [];
  try {
    entries = readdirSync(PORTS);
  } catch {
    // not in the VM
  }
  for (const port of entries) {
    let portName = '';
    try {
      portName = readFileSync(`${PORTS}/${port}/name`, 'utf8').trim();
    } catch {
      continue;
    }
    if (portName === `contlab.${name}`) return `/dev/${port}`;
  }
  throw new LabError(phrase('error.vm.noPort', { port: `contlab.${name}` }), {
    remedy: phrase('error.vm.noPort.remedy', { command: 'contlab start --vm LESSON' }),
  });
}

/** How often an idle port is looked at (the latency of a keystroke, at worst). */
const POLL_MS = 10;

/**
 * The port as a stream. It is opened non-blocking: a read blocked in the thread pool would
 * hold up the process's exit for good (libuv joins its threads then). So "nothing yet"
 * (EAGAIN, or 0 bytes while the host side is between two writes) is asked again shortly.
 */
export function openGuestPort(name: string): Duplex {
  const fd = openSync(guestPortDevice(name), constants.O_RDWR | constants.O_NONBLOCK);
  const buffer = Buffer.alloc(64 * 1024);
  return new Duplex({
    read(): void {
      const attempt = (): void =>
        read(fd, buffer, 0, buffer.length, null, (err, n) => {
          if (err !== null && err.code !== 'EAGAIN') this.destroy(err);
          else if (err !== null || n === 0) setTimeout(attempt, POLL_MS);
          else this.push(Buffer.from(buffer.subarray(0, n)));
        });
      attempt();
    },
    write(chunk: Buffer, _encoding, done): void {
      const rest = (from: number): void =>
        write(fd, chunk, from, chunk.length - from, null, (err, n) => {
          if (err?.code === 'EAGAIN') setTimeout(() => rest(from), POLL_MS);
          else if (err !== null) done(err);
          else if (from + n < chunk.length) rest(from + n);
          else done();
        });
      rest(0);
    },
  });
}

/**
 * The observer's only door to the kernel: async reads of /proc and /sys that answer
 * `undefined` when a file is absent or unreadable instead of throwing. A process can exit
 * between two reads, a cgroup file may not exist on this kernel, and an unprivileged reader
 * gets EACCES on another user's namespaces: all of these are "not known", never a crash.
 * The interface exists so tests can replay fixtures or inject failures.
 */
import {
  close,
  open,
  read,
  readdir,
  readFileSync,
  readlink,
  readlinkSync,
  readdirSync,
  stat,
  statSync,
} from 'node:fs';

export interface FileId {
  dev: number;
  ino: number;
}

export interface KernelSource {
  readText(path: string): Promise<string | undefined>;
  readLink(path: string): Promise<string | undefined>;
  listDir(path: string): Promise<string[] | undefined>;
  fileId(path: string): Promise<FileId | undefined>;
}

// One procfs/cgroupfs read normally returns a whole small file; 16 KiB covers status, stat,
// cgroup and every cgroup control file, and larger files (mountinfo) take a few more reads.
const CHUNK = 16 * 1024;

/**
 * Reads a whole file with open/read/close on callbacks: three thread-pool round trips where
 * fs.promises.readFile needs five (it also fstats, and reads once more to see EOF). procfs
 * and kernfs files are seq_files: a read that returns less than asked for has reached the end.
 */
function readWhole(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    open(path, 'r', (openErr, fd) => {
      if (openErr !== null) return resolve(undefined);
      const chunks: Buffer[] = [];
      const finish = (text: string | undefined): void => close(fd, () => resolve(text));
      const next = (): void => {
        const buf = Buffer.allocUnsafe(CHUNK);
        read(fd, buf, 0, CHUNK, null, (readErr, n) => {
          if (readErr !== null) return finish(undefined);
          if (n > 0) chunks.push(buf.subarray(0, n));
          if (n === CHUNK) return next();
          finish(Buffer.concat(chunks).toString('utf8'));
        });
      };
      next();
    });
  });
}

export const liveSource: KernelSource = {
  readText: readWhole,
  readLink: (path) =>
    new Promise((resolve) => readlink(path, (err, target) => resolve(err ? undefined : target))),
  listDir: (path) =>
    new Promise((resolve) => readdir(path, (err, names) => resolve(err ? undefined : names))),
  fileId: (path) =>
    new Promise((resolve) =>
      stat(path, (err, st) => resolve(err ? undefined : { dev: st.dev, ino: st.ino })),
    ),
};

/**
 * A source whose paths are all below `root` (a fixture tree captured from another host):
 * `/proc/42/status` is read from `${root}/proc/42/status`.
 */
export function rootedSource(root: string, inner: KernelSource = liveSource): KernelSource {
  const at = (path: string): string => (path.startsWith('/') ? root + path : path);
  return {
    readText: (path) => inner.readText(at(path)),
    readLink: (path) => inner.readLink(at(path)),
    listDir: (path) => inner.listDir(at(path)),
    fileId: (path) => inner.fileId(at(path)),
  };
}

function quiet<A, T>(f: (arg: A) => T): (arg: A) => Promise<T | undefined> {
  return (arg) => {
    try {
      return Promise.resolve(f(arg));
    } catch {
      return Promise.resolve(undefined);
    }
  };
}

/**
 * The same reads done synchronously. A procfs read takes a few microseconds of CPU but an
 * async one costs a thread-pool round trip (~25 µs), so a one-shot full scan (contlab inspect,
 * a checkpoint run outside the UI) is about 3x faster this way. It blocks the event loop for
 * the whole scan, so the UI and the sampler keep using `liveSource`.
 */
export const syncSource: KernelSource = {
  readText: quiet((path: string) => readFileSync(path, 'utf8')),
  readLink: quiet((path: string) => readlinkSync(path)),
  listDir: quiet((path: string) => readdirSync(path)),
  fileId: quiet((path: string) => {
    const st = statSync(path);
    return { dev: st.dev, ino: st.ino };
  }),
};

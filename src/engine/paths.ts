/**
 * Where the lab keeps its things. One lab home (images, session directories, the cleanup
 * journals) and one runtime directory (sockets, runtime state: tmpfs, gone after a reboot).
 * As root they are /var/lib/contlab and /run/contlab; CONTLAB_HOME and CONTLAB_RUN override
 * them (tests use this to keep their own lab apart from a learner's).
 */
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LabError, errnoOf } from './errors.js';
import { phrase } from '../i18n/phrase.js';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function labHome(): string {
  const fromEnv = process.env.CONTLAB_HOME;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (isRoot()) return '/var/lib/contlab';
  const data = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(data, 'contlab');
}

export function runDir(): string {
  const fromEnv = process.env.CONTLAB_RUN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (isRoot()) return '/run/contlab';
  const runtime = process.env.XDG_RUNTIME_DIR;
  return runtime ? join(runtime, 'contlab') : join(labHome(), 'run');
}

export const journalDir = (): string => join(labHome(), 'journal');
export const sessionsDir = (): string => join(labHome(), 'sessions');
export const imagesDir = (): string => join(labHome(), 'images');

/**
 * Makes sure a lab directory can be used: it is created when missing, and a path that
 * exists but is not a directory (CONTLAB_HOME pointing at a file) is refused with the
 * remedy, before anything else is created.
 */
export function ensureDir(path: string, what = 'lab directory'): string {
  try {
    const st = statSync(path);
    if (!st.isDirectory()) {
      throw new LabError(phrase('error.dir.notDirectory', { what, path }), {
        remedy: phrase('error.dir.notDirectory.remedy', {
          fallback: isRoot() ? '/var/lib/contlab' : '~/.local/share/contlab',
        }),
      });
    }
    return path;
  } catch (err) {
    if (err instanceof LabError) throw err;
    if (errnoOf(err) !== 'ENOENT') {
      throw new LabError(`cannot use ${what} ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    mkdirSync(path, { recursive: true, mode: 0o755 });
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      throw new LabError(phrase('error.dir.parentIsFile', { what, path }), {
        remedy: phrase('error.dir.parentIsFile.remedy'),
      });
    }
    throw new LabError(
      phrase('error.dir.cannotCreate', { what, path, why: (err as Error).message }),
      {
        ...(code === 'EACCES' ? { remedy: phrase('error.dir.cannotCreate.remedy') } : {}),
        cause: err,
      },
    );
  }
  return path;
}

/** Validates the lab home and runtime directory up front, so commands fail before doing anything. */
export function ensureLabDirs(): { home: string; run: string } {
  const home = ensureDir(labHome(), 'lab home (CONTLAB_HOME)');
  const run = ensureDir(runDir(), 'lab runtime directory');
  return { home, run };
}

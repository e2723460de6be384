/**
 * Where progress lives and how it is read and written. A damaged file is never silently
 * reset: the previous version (.bak) is restored and the learner told so; the damaged file
 * is kept beside it for inspection. Only when both are damaged does reading fail.
 */
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LabError, messageOf } from '../../engine/errors.js';
import { isRoot, labHome } from '../../engine/paths.js';
import { backupOf, writeFileAtomic } from './atomic-file.js';
import { emptyProgress, exportSchema, progressSchema, type Progress } from './schema.js';
import { phrase } from '../../i18n/phrase.js';

/** CONTLAB_HOME (tests), the lab home as root, else $XDG_STATE_HOME/contlab. */
export function progressDir(): string {
  const fromEnv = process.env.CONTLAB_HOME;
  if ((fromEnv !== undefined && fromEnv !== '') || isRoot()) return labHome();
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'contlab');
}

export function progressFile(): string {
  return join(progressDir(), 'progress.json');
}

export interface LoadedProgress {
  progress: Progress;
  /** Set when the file was damaged and the backup was restored: tell the learner. */
  recovered?: string;
}

type Read = { ok: true; progress: Progress } | { ok: false; reason: string; missing: boolean };

function readProgress(path: string): Read {
  if (!existsSync(path)) return { ok: false, reason: 'missing', missing: true };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${messageOf(err)})`, missing: false };
  }
  const r = progressSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'top level';
    return {
      ok: false,
      reason: `unexpected content at ${where}: ${issue?.message}`,
      missing: false,
    };
  }
  return { ok: true, progress: r.data };
}

export function loadProgress(file: string = progressFile()): LoadedProgress {
  const main = readProgress(file);
  if (main.ok) return { progress: main.progress };
  const backup = readProgress(backupOf(file));
  if (main.missing && backup.ok === false && backup.missing) return { progress: emptyProgress() };
  if (backup.ok) {
    const kept = main.missing ? undefined : setAside(file);
    writeFileAtomic(file, serialise(backup.progress), { backup: false });
    const what = main.missing ? 'is missing' : `is damaged: ${main.reason}`;
    return {
      progress: backup.progress,
      recovered:
        `progress file ${file} ${what}; restored the previous version from ${backupOf(file)}` +
        (kept ? ` (the damaged file is kept as ${kept})` : ''),
    };
  }
  const backupWhy = backup.missing
    ? phrase('error.progress.noBackup')
    : phrase('error.progress.backupDamaged', { reason: backup.reason });
  throw new LabError(
    phrase('error.progress.damaged', { file, reason: main.reason, backup: backupWhy }),
    { remedy: phrase('error.progress.damaged.remedy') },
  );
}

export function saveProgress(progress: Progress, file: string = progressFile()): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileAtomic(file, serialise(progress), { backup: true });
}

/** Starts over after damage that could not be recovered; the damaged files are kept. */
export function replaceDamaged(progress: Progress, file: string = progressFile()): void {
  mkdirSync(join(file, '..'), { recursive: true });
  if (existsSync(file) && !readProgress(file).ok) setAside(file);
  writeFileAtomic(file, serialise(progress), { backup: false });
}

export function exportProgress(progress: Progress, target: string): void {
  const doc = { format: 'contlab-progress', exportedAt: new Date().toISOString(), progress };
  writeFileAtomic(target, JSON.stringify(doc, null, 2) + '\n', { backup: false });
}

export function readExport(source: string): Progress {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(source, 'utf8'));
  } catch (err) {
    throw new LabError(`cannot import ${source}: ${messageOf(err)}`, {
      remedy: 'give a file written by contlab progress --export',
    });
  }
  const r = exportSchema.safeParse(data);
  if (!r.success) {
    throw new LabError(`cannot import ${source}: it is not a contlab progress export`, {
      remedy: 'give a file written by contlab progress --export',
    });
  }
  return r.data.progress;
}

function serialise(progress: Progress): string {
  return JSON.stringify(progress, null, 2) + '\n';
}

function setAside(file: string): string {
  const kept = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, kept);
  return kept;
}

/**
 * One learner's progress file. Every change reads the file again, applies the change and
 * writes atomically, so the player and a `contlab reset` in another terminal never undo
 * each other's writes.
 */
export class ProgressStore {
  constructor(readonly file: string = progressFile()) {}

  /** The progress (restored from the backup, with `recovered` set, if the file is damaged). */
  load(): LoadedProgress {
    return loadProgress(this.file);
  }

  update(change: (progress: Progress) => void): LoadedProgress {
    const loaded = this.load();
    change(loaded.progress);
    saveProgress(loaded.progress, this.file);
    return loaded;
  }

  /** Starts from empty progress even when the file (and its backup) cannot be read. */
  resetAll(): void {
    replaceDamaged(emptyProgress(), this.file);
  }

  export(target: string): void {
    exportProgress(this.load().progress, target);
  }

  /** Replaces the progress with an exported file's (the current one stays as the backup). */
  import(source: string): Progress {
    const progress = readExport(source);
    mkdirSync(join(this.file, '..'), { recursive: true });
    if (existsSync(this.file) && !readProgress(this.file).ok) setAside(this.file);
    saveProgress(progress, this.file);
    return progress;
  }
}

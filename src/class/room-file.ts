/**
 * The room on disk, so a class server that is stopped (or killed) and started again has
 * everyone's progress, the same join code and the same dashboard link. Written atomically
 * (temp file, fsync, rename; the previous version kept as .bak), read back with a schema.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabError, messageOf } from '../engine/errors.js';
import { backupOf, writeFileAtomic } from '../lessons/progress/atomic-file.js';
import { progressDir } from '../lessons/progress/store.js';
import { roomStateSchema, type RoomState } from './room-state.js';

/** The default file of the class on `port`: one class per port. */
export function roomFile(port: number): string {
  return join(progressDir(), 'class', `class-${port}.json`);
}

type Read = { ok: true; room: RoomState } | { ok: false; reason: string };

function read(file: string): Read {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { ok: false, reason: messageOf(err) };
  }
  const r = roomStateSchema.safeParse(data);
  if (r.success) return { ok: true, room: r.data };
  const issue = r.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') || 'top level'}: ${issue?.message}` };
}

/** The saved room, undefined when there is none; a damaged file falls back to its backup. */
export function loadRoom(file: string): RoomState | undefined {
  if (!existsSync(file) && !existsSync(backupOf(file))) return undefined;
  const main = read(file);
  if (main.ok) return main.room;
  const backup = read(backupOf(file));
  if (backup.ok) return backup.room;
  throw new LabError(`the saved class ${file} is damaged (${main.reason})`, {
    remedy: 'start a new class with --new (the damaged file is replaced)',
  });
}

export function saveRoom(file: string, room: RoomState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(room), { backup: true });
}

/**
 * The same atomic replacement as saveRoom, without blocking: a busy class server must not
 * stop answering while the disk flushes (fsync can take tens of milliseconds).
 */
export async function saveRoomAsync(file: string, room: RoomState): Promise<void> {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(room));
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (existsSync(file)) {
    const bak = `${backupOf(file)}.tmp-${process.pid}`;
    await unlink(bak).catch(() => undefined);
    await link(file, bak);
    await rename(bak, backupOf(file));
  }
  await rename(tmp, file);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Shared by the class tests: a temp folder, polling, and reading the room like a dashboard. */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import type { RoomView } from '../../src/class/room-view.js';

export function tempDir(prefix = 'contlab-class-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(`/tmp/${prefix}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `probe` until it returns something other than undefined (or throws at the deadline). */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string | (() => string),
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${typeof what === 'string' ? what : what()}: not within ${ms} ms${last ? ` (${String(last)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The room as the dashboard gets it (the same view the SSE stream carries). */
export async function fetchRoom(port: number, key: string): Promise<RoomView> {
  const r = await httpGet(`http://127.0.0.1:${port}/api/room?key=${key}`);
  if (r.status !== 200) throw new Error(`GET /api/room: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as RoomView;
}

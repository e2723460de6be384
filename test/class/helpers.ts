/**
 * Shared by the class tests: a temp folder, a class server in a temp lab, polling, and
 * reading the room like a dashboard.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import type { RoomView } from '../../src/class/room-view.js';
import { ClassServer, type ClassServerOptions } from '../../src/class/server.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';

export function tempDir(prefix = 'contlab-class-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(`/tmp/${prefix}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestClassOptions {
  /** Default 5. */
  stuckMinutes?: number;
  /** The dashboard page's language. */
  lang?: string;
  log?: ClassServerOptions['log'];
  /** Default 0: any free port. */
  port?: number;
  /**
   * The lab whose home keeps the room (room.json): given, it is the caller's to remove (a
   * restarted server finds its room again there); by default a new one, removed by close().
   */
  lab?: TempLab;
}

export interface TestClass {
  server: ClassServer;
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** The dashboard link, with its key: what `contlab monitor --class` takes. */
  dashboard: string;
  lab: TempLab;
  /** Where the room is saved. */
  file: string;
  /** Closes the server (again is fine) and removes the lab if it was made here. */
  close(): Promise<void>;
}

/** A class server on loopback with its room in a temp lab. */
export async function startTestClass(options: TestClassOptions = {}): Promise<TestClass> {
  const lab = options.lab ?? makeTempLab();
  const file = `${lab.home}/room.json`;
  let server: ClassServer;
  try {
    server = await ClassServer.start({
      host: '127.0.0.1',
      port: options.port ?? 0,
      file,
      stuckMinutes: options.stuckMinutes ?? 5,
      lang: options.lang,
      log: options.log,
    });
  } catch (err) {
    if (options.lab === undefined) lab.remove();
    throw err;
  }
  const url = `http://127.0.0.1:${server.port}`;
  return {
    server,
    port: server.port,
    url,
    dashboard: `${url}/?key=${server.key}`,
    lab,
    file,
    close: async () => {
      await server.close();
      if (options.lab === undefined) lab.remove();
    },
  };
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

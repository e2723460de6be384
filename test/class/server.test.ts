/**
 * The class server and the join client on loopback: the join code, names, malformed
 * messages, the dashboard key, a server that goes away mid-class and comes back (the client
 * rejoins by itself and resends, the saved room keeps everyone), and the address rules.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';
import { WebSocket } from 'ws';
import {
  checkListenHost,
  isLocalAddress,
  parseAddress,
  resolveLocal,
} from '../../src/class/address.js';
import { ClassClient } from '../../src/class/client.js';
import { followSlides } from '../../src/class/follow.js';
import { watchPresenter } from '../../src/class/present-watch.js';
import { loadLesson } from '../../src/lessons/index.js';
import { writePosition } from '../../src/ui/state/present-link.js';
import { parseQr, qrMatrix, renderQr } from '../../src/class/qr.js';
import type { AttendeeState } from '../../src/class/protocol.js';
import type { ClassServer } from '../../src/class/server.js';
import type { TempLab } from '../helpers/lab-env.js';
import { fetchRoom, httpGet, startTestClass, tempDir, until } from './helpers.js';

// jsqr is CommonJS with its function on `default`.
const jsQR: typeof import('jsqr').default = createRequire(import.meta.url)('jsqr').default;

let tmp: { dir: string; remove(): void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A class server in a new temp lab, or (restarted) in `lab` on `port`; its log lines. */
async function startServer(where: { lab?: TempLab; port?: number } = {}) {
  const log: string[] = [];
  const started = await startTestClass({ ...where, log: (l) => log.push(l) });
  cleanups.push(() => started.close());
  return { ...started, log };
}

let tokens = 0;
function client(server: ClassServer, name: string, code = server.code, port = server.port) {
  const c = new ClassClient({
    address: { host: '127.0.0.1', port },
    code,
    name,
    attendee: `test-attendee-${++tokens}`,
    retry: { firstMs: 50, maxMs: 200 },
  });
  cleanups.push(() => c.stop());
  return c;
}

const lesson = {
  id: 'process',
  title: 'A container is a process',
  steps: [
    { id: 'start', title: 'Start a tiny container', checkpoint: true },
    { id: 'find', title: 'Find it from the host', checkpoint: true },
  ],
};

function state(step: number, passed: string[], failing: string[]): AttendeeState {
  return {
    lesson: 'process',
    step,
    onStepMs: 1000,
    sinceProgressMs: 1000,
    checks: failing.map((name) => ({ name, ok: false, explain: `do ${name}` })),
    steps: Object.fromEntries(
      lesson.steps.slice(0, step).map((s) => [
        s.id,
        {
          timeMs: 1000,
          passed: passed.includes(s.id),
          passMs: 900,
          hints: 0,
          solution: false,
          skipped: false,
        },
      ]),
    ),
    following: true,
  };
}

/** A raw WebSocket, to send what no real client would. */
async function rawSocket(port: number): Promise<{ ws: WebSocket; replies: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/attend`);
  const replies: string[] = [];
  ws.on('message', (d) => replies.push(String(d)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  cleanups.push(() => ws.terminate());
  return { ws, replies };
}

describe('joining', () => {
  it('refuses a wrong code clearly and accepts the right one in any case', async () => {
    const { server, log } = await startServer();
    await expect(client(server, 'Ana', 'ZZZZZZ').join()).rejects.toThrow(
      /wrong join code "ZZZZZZ": check the code on the instructor's screen/,
    );
    expect(log.join('\n')).toMatch(/refused a join from 127\.0\.0\.1: wrong join code/);
    const ok = await client(server, 'Ana', server.code.toLowerCase()).join();
    expect(ok).toEqual({ name: 'Ana', renamed: false, slide: null });
    expect((await fetchRoom(server.port, server.key)).counts.online).toBe(1);
  });

  it('stops answering an address that keeps guessing the code', async () => {
    const { server } = await startServer();
    for (let i = 0; i < 30; i++)
      await expect(client(server, 'Eve', `GUESS${i}`).join()).rejects.toThrow(/wrong join code/);
    await expect(client(server, 'Eve', server.code).join()).rejects.toThrow(
      /too many wrong join codes from 127\.0\.0\.1: wait a minute/,
    );
  });

  it('tells the second attendee with a taken name, and tells them apart', async () => {
    const { server } = await startServer();
    expect(await client(server, 'Ana').join()).toMatchObject({ name: 'Ana', renamed: false });
    expect(await client(server, 'ana').join()).toMatchObject({ name: 'ana (2)', renamed: true });
    expect(await client(server, ' Ana ').join()).toMatchObject({ name: 'Ana (3)', renamed: true });
    const names = (await fetchRoom(server.port, server.key)).attendees.map((a) => a.name);
    expect(names.sort()).toEqual(['Ana', 'Ana (3)', 'ana (2)']);
  });

  it('says when nothing answers at the address', async () => {
    const { server } = await startServer();
    const port = server.port;
    await server.close();
    await expect(client(server, 'Ana', 'X', port).join()).rejects.toThrow(
      /nothing answers at 127\.0\.0\.1:\d+ \(connection refused\)/,
    );
  });
});

describe('bad messages', () => {
  it('answers each malformed message with what is wrong, drops it, and keeps the connection', async () => {
    const { server, log } = await startServer();
    const { ws, replies } = await rawSocket(server.port);
    ws.send(JSON.stringify({ type: 'state', seq: 1, state: state(1, [], []) }));
    ws.send(
      JSON.stringify({ type: 'hello', protocol: 1, code: server.code, name: 'Bo', attendee: 'x' }),
    );
    ws.send(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        code: server.code,
        name: 'Bo',
        attendee: 'raw-attendee-1',
      }),
    );
    ws.send('not json');
    ws.send('{"type":"shell","text":"ls"}');
    const bad = { ...state(1, [], ['running']), checks: [{ name: 'x', ok: 'yes', explain: '' }] };
    ws.send(JSON.stringify({ type: 'state', seq: 1, state: bad }));
    ws.send(JSON.stringify({ type: 'lesson', lesson }));
    ws.send(JSON.stringify({ type: 'state', seq: 2, state: state(1, [], ['running']) }));
    await until(() => (replies.length >= 6 ? true : undefined), 'six replies');
    const messages = replies.map((r) => JSON.parse(r) as { type: string; message?: string });
    expect(messages.map((m) => m.message ?? m.type)).toEqual([
      'state: say hello (with the join code) first',
      expect.stringMatching(/^malformed hello message: attendee: /),
      'welcome',
      'malformed message: not JSON',
      'malformed message: unknown type "shell" (expected hello, lesson, state, bye)',
      expect.stringMatching(/^malformed state message: state\.checks\.0\.ok: .*boolean/),
    ]);
    // The good state after the bad ones arrived: the connection was kept.
    const room = await until(async () => {
      const r = await fetchRoom(server.port, server.key);
      return r.attendees[0]?.seq === 2 ? r : undefined;
    }, 'the good state');
    expect(room.attendees[0]).toMatchObject({
      name: 'Bo',
      step: 1,
      failing: [{ name: 'running' }],
    });
    // The instructor hears of a broken client once, not once per message.
    expect(log.filter((l) => l.startsWith('dropped a message')).length).toBe(1);
  });

  it('serves the dashboard only with its key, and only to the local network', async () => {
    const { server } = await startServer();
    const base = `http://127.0.0.1:${server.port}`;
    expect((await httpGet(`${base}/api/room`)).status).toBe(403);
    expect((await httpGet(`${base}/events?key=wrong`)).status).toBe(403);
    expect((await httpGet(`${base}/?key=${server.key}`)).body).toMatch(/<title>contlab class/);
    expect((await httpGet(`${base}/dashboard.js`)).status).toBe(200);
    expect((await httpGet(`${base}/../package.json`)).status).toBe(404);
    expect(isLocalAddress('127.0.0.1')).toBe(true);
    expect(isLocalAddress('::ffff:192.168.4.2')).toBe(true);
    expect(isLocalAddress('172.20.0.1')).toBe(true);
    expect(isLocalAddress('172.32.0.1')).toBe(false);
    expect(isLocalAddress('8.8.8.8')).toBe(false);
    expect(isLocalAddress('2001:db8::1')).toBe(false);
    expect(() => checkListenHost('8.8.8.8')).toThrow(/not a loopback or local network address/);
    await expect(resolveLocal('1.1.1.1')).rejects.toThrow(/not on this machine or its local/);
    expect(() => parseAddress('localhost')).toThrow(/is not a class address/);
    expect(parseAddress('[::1]:7070')).toEqual({ host: '::1', port: 7070 });
  });
});

describe('a server that goes away', () => {
  it('leaves the client rejoining with backoff; the restarted server has everyone back', async () => {
    const first = await startServer();
    const { port, code } = first.server;
    const ana = client(first.server, 'Ana');
    const bo = client(first.server, 'Bo');
    await ana.join();
    await bo.join();
    ana.setLesson(lesson);
    bo.setLesson(lesson);
    ana.update(state(2, ['start'], ['saved']));
    bo.update(state(1, [], ['running']));
    await until(async () => {
      const r = await fetchRoom(port, first.server.key);
      return r.attendees.every((a) => a.step !== null) ? r : undefined;
    }, 'both reported');
    await bo.leave();

    const lost: string[] = [];
    ana.on('lost', ({ reason }) => lost.push(reason));
    await first.server.close();
    await until(() => (lost.length >= 2 ? true : undefined), 'two failed rejoins');
    expect(lost[0]).toMatch(/closed the connection|connection closed|connection refused/);
    // Progress made while the server is away is not lost: it is sent on the rejoin.
    ana.update(state(2, ['start', 'find'], []));

    const second = await startServer({ lab: first.lab, port });
    expect(second.server.code).toBe(code);
    expect(second.server.resumed).toBe(true);
    const room = await until(async () => {
      const r = await fetchRoom(port, second.server.key);
      const a = r.attendees.find((x) => x.name === 'Ana');
      return a?.status === 'online' && a.passed === 2 ? r : undefined;
    }, 'Ana rejoined with her new progress');
    expect(room.attendees.map((a) => [a.name, a.status, a.passed])).toEqual([
      ['Ana', 'online', 2],
      ['Bo', 'left', 0],
    ]);
    expect(room.lessons[0]?.steps.map((s) => [s.reached, s.passed])).toEqual([
      [2, 1],
      [1, 1],
    ]);
  });
});

describe('follow mode', () => {
  it("sends the presenter's slide to the attendees who follow, not to the others", async () => {
    const { server } = await startServer();
    const file = `${tmp.dir}/present.json`;
    const stop = watchPresenter((slide) => server.setSlide(slide), file);
    cleanups.push(stop);
    const ana = client(server, 'Ana');
    const bo = client(server, 'Bo');
    await ana.join();
    await bo.join();
    const went: string[] = [];
    followSlides(ana, { following: true }, 'process', (step) => went.push(`Ana ${step}`));
    followSlides(bo, { following: false }, 'process', (step) => went.push(`Bo ${step}`));
    // What `contlab present` writes as it moves (slide 0 is the title: nobody moves).
    const lessonFile = loadLesson('process').file;
    writePosition({ pid: process.pid, lessonFile, slide: 0 }, file);
    writePosition({ pid: process.pid, lessonFile, slide: 2 }, file);
    await until(() => (went.length > 0 ? true : undefined), 'a slide');
    expect(went).toEqual(['Ana 2']);
    expect((await fetchRoom(server.port, server.key)).slide).toEqual({
      lesson: 'process',
      step: 2,
    });
    // A late joiner learns where the presenter is from the welcome.
    expect(await client(server, 'Cy').join()).toMatchObject({
      slide: { lesson: 'process', step: 2 },
    });
  });
});

describe('the join QR code', () => {
  it('scans back to the join command', () => {
    const text = 'contlab class join 192.168.1.20:7070 K7QX2M';
    for (const colour of [false, true]) {
      const modules = parseQr(renderQr(qrMatrix(text), colour));
      const scale = 4;
      const size = modules.length * scale;
      const rgba = new Uint8ClampedArray(size * size * 4);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const dark = modules[Math.floor(y / scale)]?.[Math.floor(x / scale)] === true;
          rgba.fill(dark ? 0 : 255, (y * size + x) * 4, (y * size + x) * 4 + 3);
          rgba[(y * size + x) * 4 + 3] = 255;
        }
      expect(jsQR(rgba, size, size)?.data).toBe(text);
    }
  });
});

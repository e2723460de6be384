/**
 * `contlab class serve`: one HTTP server on the instructor's machine. Attendees' labs join
 * over a WebSocket at /attend; the instructor's dashboards (the web page at /, the terminal
 * class view) get the room as server-sent events from /events, or once from /api/room.
 * Only peers on the loopback or the local network are answered.
 *
 * Dashboards are updated at once after a change, then at most every FLUSH_MS (many
 * attendees reporting at once cost one view, not one each), and every TICK_MS all the same (times on step and
 * "stuck" move with the clock). The room is saved SAVE_MS after a change, atomically.
 */
import { english, phrase, type Phrase } from '../i18n/phrase.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LabError, errnoOf, messageOf } from '../engine/errors.js';
import { checkListenHost, isLocalAddress } from './address.js';
import { newJoinCode, newToken, sameSecret } from './join-code.js';
import { parseClientMessage, type ServerMessage, type Slide } from './protocol.js';
import { Room } from './room.js';
import { loadRoom, saveRoom, saveRoomAsync } from './room-file.js';
import { emptyRoom, type AttendeeRecord, type RoomState } from './room-state.js';
import { roomView, type RoomView } from './room-view.js';
import { serveStatic } from './web-files.js';
import { serveWords } from './web-words.js';
import { language } from '../i18n/current.js';

const FLUSH_MS = 50;
const TICK_MS = 5_000;
const SAVE_MS = 1_000;
const PING_MS = 15_000;
const HELLO_MS = 10_000;
const MAX_MESSAGE = 64 * 1024;
const MAX_ATTENDEES = 500;
const MAX_LESSONS = 50;
// Thirty a minute: a room sharing one address (one lab server) can mistype; nobody can guess.
const MAX_WRONG_CODES = 30;

export interface ClassServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Where the room is saved (and found again after a restart). */
  file: string;
  stuckMinutes: number;
  /** Start a new class (new code, empty room) even if one was saved. */
  fresh?: boolean;
  /** The dashboard page's language (default: the one contlab speaks, the instructor's). */
  lang?: string;
  /** One line per event worth telling the instructor (joins, leaves, bad messages). */
  /** A line for the instructor's terminal: its English, and the same as a phrase. */
  log?: (line: string, said: Phrase) => void;
}

interface Connection {
  ws: WebSocket;
  peer: string;
  attendee: AttendeeRecord | undefined;
  alive: boolean;
  malformed: number;
}

export class ClassServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly room: Room;
  private readonly live = new Map<AttendeeRecord, Connection>();
  private readonly streams = new Set<ServerResponse>();
  /** Wrong join codes per peer address in the last minute. */
  private readonly wrongCodes = new Map<string, { count: number; until: number }>();
  private readonly sockets = new Set<Socket>();
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private unsaved = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  readonly resumed: boolean;

  private constructor(
    private readonly options: ClassServerOptions,
    saved: RoomState | undefined,
  ) {
    const now = Date.now();
    this.resumed = saved !== undefined;
    this.room = new Room(saved ?? emptyRoom(newJoinCode(), newToken(), now), () => this.changed());
    this.room.markAllAway(now);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_MESSAGE,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.http = createServer((req, res) => this.request(req, res));
    this.http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    this.http.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Opens the saved class of this file (unless `fresh`), or a new one, and listens. */
  static async start(options: ClassServerOptions): Promise<ClassServer> {
    checkListenHost(options.host);
    const saved = options.fresh === true ? undefined : loadRoom(options.file);
    const server = new ClassServer(options, saved);
    await server.listen();
    // Saved in the background: a busy disk must not hold up the banner and the first joins.
    server.saveSoon();
    server.timers.push(setInterval(() => server.flush(), TICK_MS));
    server.timers.push(setInterval(() => server.ping(), PING_MS));
    for (const t of server.timers) t.unref();
    return server;
  }

  get code(): string {
    return this.room.code;
  }

  get key(): string {
    return this.room.state.key;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  view(now = Date.now()): RoomView {
    return roomView(this.room.state, now, this.options.stuckMinutes);
  }

  /** Tells following attendees to go to the presenter's slide; false when it did not move. */
  setSlide(slide: Slide | null): boolean {
    const same =
      slide?.lesson === this.room.state.slide?.lesson &&
      slide?.step === this.room.state.slide?.step;
    if (same) return false;
    this.room.setSlide(slide);
    if (slide !== null) for (const c of this.live.values()) send(c.ws, { type: 'slide', slide });
    return true;
  }

  /** Saves the room and closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.flushTimer);
    clearTimeout(this.saveTimer);
    this.room.markAllAway(Date.now());
    await this.saving;
    this.save();
    for (const c of this.live.values()) c.ws.terminate();
    for (const s of this.streams) s.end();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        const code = errnoOf(err);
        reject(
          code === 'EADDRINUSE'
            ? new LabError(
                phrase('classTerm.error.portInUse', {
                  port: String(this.options.port),
                  host: this.options.host,
                }),
                { remedy: phrase('classTerm.error.portInUse.remedy', { flag: '--port' }) },
              )
            : code === 'EADDRNOTAVAIL'
              ? new LabError(phrase('classTerm.error.notMine', { host: this.options.host }), {
                  remedy: phrase('classTerm.error.notMine.remedy', {
                    flag: '--host',
                    all: '0.0.0.0',
                  }),
                })
              : err,
        );
      };
      this.http.once('error', onError);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
  }

  private log(said: Phrase): void {
    this.options.log?.(english(said), said);
  }

  private changed(): void {
    if (this.closed) return;
    // A quiet room's change goes out at once; a busy room's at most every FLUSH_MS.
    this.flushTimer ??= setTimeout(
      () => this.flush(),
      Math.max(0, this.lastFlush + FLUSH_MS - Date.now()),
    );
    this.unsaved = true;
    this.saveTimer ??= setTimeout(() => this.saveSoon(), SAVE_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.lastFlush = Date.now();
    if (this.streams.size === 0) return;
    const frame = `event: room\ndata: ${JSON.stringify(this.view())}\n\n`;
    for (const s of this.streams) s.write(frame);
  }

  /** Saves now, blocking (at start and at close). */
  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    try {
      saveRoom(this.options.file, this.room.state);
    } catch (err) {
      this.log(
        phrase('classTerm.log.saveFailed', { file: this.options.file, error: messageOf(err) }),
      );
    }
  }

  /** Saves in the background; changes during a save are saved by the next one. */
  private saveSoon(): void {
    this.saveTimer = undefined;
    if (this.saving !== undefined || this.closed) return;
    this.unsaved = false;
    this.saving = saveRoomAsync(this.options.file, this.room.state)
      .catch((err: unknown) =>
        this.log(
          phrase('classTerm.log.saveFailed', { file: this.options.file, error: messageOf(err) }),
        ),
      )
      .finally(() => {
        this.saving = undefined;
        if (this.unsaved && !this.closed)
          this.saveTimer ??= setTimeout(() => this.saveSoon(), SAVE_MS);
      });
  }

  private ping(): void {
    for (const c of this.live.values()) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  private authorised(url: URL): boolean {
    return sameSecret(url.searchParams.get('key') ?? '', this.key);
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    if (!isLocalAddress(req.socket.remoteAddress ?? '')) {
      res.writeHead(403).end('contlab classes answer the local network only\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://class.invalid');
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    if (serveStatic(url.pathname, res)) return;
    if (url.pathname === '/words.json') {
      serveWords(this.options.lang ?? language(), res);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/' || url.pathname === '/api/room' || url.pathname === '/events') {
      if (!this.authorised(url)) {
        res
          .writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end(
            'This is a contlab class. The dashboard opens with the link contlab class serve printed.\nTo join: contlab class join HOST:PORT CODE\n',
          );
        return;
      }
      if (url.pathname === '/') serveStatic('/index.html', res);
      else if (url.pathname === '/api/room') {
        res
          .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
          .end(JSON.stringify(this.view()));
      } else this.stream(req, res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(`retry: 1000\nevent: room\ndata: ${JSON.stringify(this.view())}\n\n`);
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const peer = req.socket.remoteAddress ?? '';
    const path = new URL(req.url ?? '/', 'http://class.invalid').pathname;
    if (!isLocalAddress(peer) || path !== '/attend') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attend(ws, peer));
  }

  private attend(ws: WebSocket, peer: string): void {
    const c: Connection = { ws, peer, attendee: undefined, alive: true, malformed: 0 };
    const hello = setTimeout(() => {
      refuse(ws, phrase('classTerm.refused.noHello', { s: HELLO_MS / 1000 }));
      ws.close(4000);
    }, HELLO_MS);
    ws.on('pong', () => (c.alive = true));
    ws.on('message', (data: RawData, binary: boolean) => {
      c.alive = true;
      if (binary) return this.malformed(c, 'malformed message: binary frames are not spoken here');
      this.message(c, rawText(data), () => clearTimeout(hello));
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearTimeout(hello);
      const a = c.attendee;
      if (a === undefined || this.live.get(a) !== c) return;
      this.live.delete(a);
      if (a.status === 'online') {
        this.room.away(a, Date.now());
        this.log(phrase('classTerm.log.droppedOut', { name: a.name }));
      }
    });
  }

  private message(c: Connection, raw: string, greeted: () => void): void {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) return this.malformed(c, parsed.error);
    const m = parsed.message;
    const now = Date.now();
    if (m.type === 'hello') {
      greeted();
      if (c.attendee !== undefined) return this.malformed(c, 'hello: already joined');
      if (this.room.state.attendees.length >= MAX_ATTENDEES && !this.known(m.attendee)) {
        refuse(c.ws, phrase('classTerm.refused.full', { max: MAX_ATTENDEES }));
        c.ws.close(4003);
        return;
      }
      const wrong = this.wrongCodes.get(c.peer);
      if (wrong !== undefined && wrong.count >= MAX_WRONG_CODES && now < wrong.until) {
        refuse(c.ws, phrase('classTerm.refused.tooMany', { peer: c.peer }));
        c.ws.close(4001);
        return;
      }
      const r = this.room.join(m, now);
      if (!r.ok) {
        // Guessing a six-letter code is slow anyway; this makes it hopeless.
        const seen = wrong !== undefined && now < wrong.until ? wrong.count : 0;
        this.wrongCodes.set(c.peer, { count: seen + 1, until: now + 60_000 });
        this.log(phrase('classTerm.log.refused', { peer: c.peer, reason: r.said }));
        refuse(c.ws, r.said);
        c.ws.close(4001);
        return;
      }
      const previous = this.live.get(r.attendee);
      if (previous !== undefined) {
        refuse(previous.ws, phrase('classTerm.refused.replaced'));
        previous.ws.close(4002);
      }
      c.attendee = r.attendee;
      this.live.set(r.attendee, c);
      send(c.ws, {
        type: 'welcome',
        name: r.attendee.name,
        renamed: r.renamed,
        slide: this.room.state.slide,
      });
      const who = { name: r.attendee.name, peer: c.peer };
      this.log(
        r.renamed
          ? phrase('classTerm.log.joinedRenamed', { ...who, asked: r.attendee.asked })
          : phrase('classTerm.log.joined', who),
      );
      return;
    }
    const a = c.attendee;
    if (a === undefined)
      return this.malformed(c, `${m.type}: say hello (with the join code) first`);
    const lessons = this.room.state.lessons;
    if (m.type === 'lesson') {
      if (lessons[m.lesson.id] === undefined && Object.keys(lessons).length >= MAX_LESSONS)
        return this.malformed(c, `lesson: this class already has ${MAX_LESSONS} lessons`);
      this.room.lesson(m.lesson);
    } else if (m.type === 'state') {
      if (m.state.lesson !== null && lessons[m.state.lesson] === undefined)
        return this.malformed(c, `state: send the lesson message of ${m.state.lesson} first`);
      this.room.report(a, m.seq, m.state, now);
    } else {
      this.room.leave(a, now);
      this.live.delete(a);
      this.log(phrase('classTerm.log.left', { name: a.name }));
      c.ws.close(1000);
    }
  }

  private known(token: string): boolean {
    return this.room.state.attendees.some((a) => a.token === token);
  }

  private malformed(c: Connection, error: string): void {
    send(c.ws, { type: 'error', message: error, fatal: false });
    // Said once per connection: a broken client must not flood the instructor's terminal.
    if (c.malformed++ === 0)
      this.log(phrase('classTerm.log.malformed', { who: c.attendee?.name ?? c.peer, error }));
  }
}

function send(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/**
 * Ends an attendee's connection for good, saying why: in English, and as the phrase, whose
 * values go as plain text (the attendee's lab says it in the attendee's language).
 */
function refuse(ws: WebSocket, said: Phrase): void {
  const values: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(said.values ?? {}))
    values[name] = typeof v === 'number' ? v : english(v);
  send(ws, { type: 'error', message: english(said), said: { id: said.id, values }, fatal: true });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

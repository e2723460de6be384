/**
 * The room as a terminal dashboard reads it: the class server's server-sent events stream
 * (the same one the web page reads), reconnected after a drop, each frame validated before
 * it is handed on (a view from another contlab version is reported, not half-drawn).
 */
import { get, type ClientRequest } from 'node:http';
import { TypedEmitter } from '../engine/observer/emitter.js';
import { LabError, messageOf } from '../engine/errors.js';
import { isLocalAddress, resolveLocal } from './address.js';
import { roomViewSchema, type RoomView } from './room-view-schema.js';

export interface RoomStreamEvents {
  room: RoomView;
  /** The stream dropped (or could not be opened); it is opened again by itself. */
  lost: string;
}

/** `http://HOST:PORT/?key=KEY` as contlab class serve printed it. */
export function parseDashboardUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LabError(`"${text}" is not the dashboard link`, {
      remedy: "give the link contlab class serve printed: 'http://HOST:PORT/?key=...'",
    });
  }
  if (url.protocol !== 'http:' || !url.searchParams.get('key'))
    throw new LabError(`"${text}" is not the dashboard link (it has no key)`, {
      remedy: "give the link contlab class serve printed: 'http://HOST:PORT/?key=...'",
    });
  return url;
}

export class RoomStream extends TypedEmitter<RoomStreamEvents> {
  private req: ClientRequest | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(private readonly events: string) {
    super();
  }

  /** Reads the room once (a LabError saying why when it cannot), then keeps streaming. */
  static async open(dashboard: URL): Promise<{ stream: RoomStream; first: RoomView }> {
    const host = dashboard.hostname.replace(/^\[|\]$/g, '');
    if (!isLocalAddress(host)) await resolveLocal(host);
    const key = encodeURIComponent(dashboard.searchParams.get('key') ?? '');
    const stream = new RoomStream(`http://${dashboard.host}/events?key=${key}`);
    const first = await new Promise<RoomView>((resolve, reject) => {
      const offs = [
        stream.once('room', (view) => {
          for (const off of offs) off();
          resolve(view);
        }),
        stream.once('lost', (why) => {
          for (const off of offs) off();
          stream.stop();
          reject(
            new LabError(why, { remedy: 'check the link, and that contlab class serve runs' }),
          );
        }),
      ];
      stream.connect();
    });
    return { stream, first };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.req?.destroy();
  }

  private connect(): void {
    if (this.stopped) return;
    let reported = false;
    const lost = (why: string): void => {
      if (reported || this.stopped) return;
      reported = true;
      this.emit('lost', why);
      this.timer = setTimeout(() => this.connect(), 1000);
    };
    this.req = get(this.events, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        lost(
          res.statusCode === 403
            ? 'the class server refused the dashboard key'
            : `the class server answered ${res.statusCode}`,
        );
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          this.frame(buf.slice(0, end));
          buf = buf.slice(end + 2);
        }
      });
      res.on('end', () => lost('the class server ended the stream'));
      res.on('error', (err) => lost(messageOf(err)));
    });
    this.req.on('error', (err) => lost(`cannot reach the class server: ${messageOf(err)}`));
  }

  private frame(frame: string): void {
    const data = frame
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n');
    if (data === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const r = roomViewSchema.safeParse(parsed);
    if (r.success) this.emit('room', r.data);
    else
      this.emit(
        'lost',
        'the class server sent a view this contlab does not read (another version?)',
      );
  }
}

/**
 * The attendee's side of the class connection. join() connects once and says whether the
 * class took us (a wrong code or an unreachable server is a LabError); after that the
 * connection is kept: a server that goes away is rejoined with backoff, and on every
 * (re)join the lesson and the latest state are sent again, so a restarted server loses
 * nothing. The lab never waits for the class: update() only remembers and sends.
 */
import { hasMessage } from '../i18n/messages.js';
import { english, phrase, type Phrase } from '../i18n/phrase.js';
import { WebSocket } from 'ws';
import { TypedEmitter } from '../engine/observer/emitter.js';
import { LabError, errnoOf, messageOf } from '../engine/errors.js';
import { formatAddress, type ClassAddress } from './address.js';
import {
  PROTOCOL_VERSION,
  parseServerMessage,
  type AttendeeState,
  type ClientMessage,
  type LessonInfo,
  type ServerErrorPhrase,
  type Slide,
} from './protocol.js';

export interface ClassClientOptions {
  address: ClassAddress;
  code: string;
  name: string;
  /** The attendee's token: the same token rejoins as the same attendee. */
  attendee: string;
  /** Backoff between rejoin attempts (default 250 ms doubling up to 10 s). */
  retry?: { firstMs: number; maxMs: number };
}

export interface Joined {
  name: string;
  renamed: boolean;
  slide: Slide | null;
}

export interface ClassClientEvents {
  /** Joined (again, after `lost`): the name the room shows. */
  joined: Joined & { again: boolean };
  /** The connection dropped; the next attempt is in `retryMs`. */
  lost: { reason: string; said: Phrase; retryMs: number };
  /** The class refused us for good (wrong code, replaced by another connection...). */
  refused: { message: string; said: Phrase | undefined };
  /** The server dropped one of our messages, saying why. */
  problem: string;
  /** The presenter moved to a slide. */
  slide: Slide;
}

const JOIN_TIMEOUT_MS = 10_000;
/** The server pings every 15 s: silence for this long means the connection is dead. */
const SILENCE_MS = 40_000;

export class ClassClient extends TypedEmitter<ClassClientEvents> {
  private ws: WebSocket | undefined;
  private lesson: LessonInfo | undefined;
  private state: AttendeeState | undefined;
  private source: (() => AttendeeState) | undefined;
  private seq = 0;
  private joined = false;
  private everJoined = false;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private first: { resolve: (j: Joined) => void; reject: (e: LabError) => void } | undefined;

  constructor(private readonly options: ClassClientOptions) {
    super();
  }

  get url(): string {
    return `ws://${formatAddress(this.options.address)}/attend`;
  }

  get connected(): boolean {
    return this.joined;
  }

  /** Joins the class: resolves with the name the room shows, or a LabError saying why not. */
  join(): Promise<Joined> {
    return new Promise<Joined>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.first = undefined;
        this.stop();
        reject(
          new LabError(
            phrase('classTerm.client.noAnswer', { where: formatAddress(this.options.address) }),
            { remedy: phrase('classTerm.client.checkAddress') },
          ),
        );
      }, JOIN_TIMEOUT_MS);
      this.first = {
        resolve: (j) => {
          clearTimeout(timer);
          resolve(j);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.connect();
    });
  }

  setLesson(lesson: LessonInfo): void {
    this.lesson = lesson;
    this.send({ type: 'lesson', lesson });
  }

  /** The attendee's state now: sent at once when connected, else on the next join. */
  update(state: AttendeeState): void {
    this.state = state;
    this.send({ type: 'state', seq: ++this.seq, state });
  }

  /** Where a rejoin gets the state afresh (else it resends the last one given to update()). */
  stateFrom(source: () => AttendeeState): void {
    this.source = source;
  }

  /** The sequence number of the last state given to update(). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Leaves the class (the room keeps our row, marked as left) and stops rejoining. */
  async leave(): Promise<void> {
    const ws = this.ws;
    if (ws !== undefined && this.joined) {
      const closed = new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        setTimeout(resolve, 1000).unref();
      });
      this.send({ type: 'bye' });
      this.stop();
      await closed;
      return;
    }
    this.stop();
  }

  /** Stops without a goodbye (as if the lab died): the room shows us away. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    const ws = this.ws;
    this.ws = undefined;
    this.joined = false;
    if (ws === undefined) return;
    if (ws.readyState === ws.CONNECTING) ws.terminate();
    else ws.close(1000);
  }

  private send(message: ClientMessage): void {
    if (this.joined && this.ws?.readyState === WebSocket.OPEN)
      this.ws.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 5000 });
    this.ws = ws;
    let reason: Phrase = phrase('classTerm.client.closed');
    ws.on('open', () => {
      this.heard();
      ws.send(
        JSON.stringify({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          code: this.options.code,
          name: this.options.name,
          attendee: this.options.attendee,
        } satisfies ClientMessage),
      );
    });
    ws.on('ping', () => this.heard());
    ws.on('message', (data) => {
      this.heard();
      this.receive(String(data));
    });
    ws.on('error', (err) => {
      reason = describeError(err, formatAddress(this.options.address));
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.joined = false;
      clearTimeout(this.silenceTimer);
      if (this.first !== undefined && !this.stopped) {
        // The very first attempt: say why at once instead of retrying in the background.
        this.first.reject(
          new LabError(reason, { remedy: phrase('classTerm.client.checkAddress') }),
        );
        this.first = undefined;
        this.stopped = true;
        return;
      }
      if (this.stopped) return;
      const retryMs = this.backoff();
      this.emit('lost', { reason: english(reason), said: reason, retryMs });
      this.retryTimer = setTimeout(() => this.connect(), retryMs);
    });
  }

  private receive(raw: string): void {
    const parsed = parseServerMessage(raw);
    if (!parsed.ok) {
      this.emit('problem', `the class server sent a ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    if (m.type === 'welcome') {
      this.joined = true;
      this.attempt = 0;
      const joined: Joined = { name: m.name, renamed: m.renamed, slide: m.slide };
      // Everything the server may have lost: the lesson, then the latest state.
      if (this.lesson !== undefined) this.send({ type: 'lesson', lesson: this.lesson });
      if (this.source !== undefined) this.state = this.source();
      if (this.state !== undefined) this.send({ type: 'state', seq: this.seq, state: this.state });
      this.first?.resolve(joined);
      this.first = undefined;
      this.emit('joined', { ...joined, again: this.everJoined });
      this.everJoined = true;
    } else if (m.type === 'slide') this.emit('slide', m.slide);
    else if (m.fatal) {
      const said = refusalOf(m.said);
      if (this.first !== undefined) this.first.reject(new LabError(said ?? m.message));
      else this.emit('refused', { message: m.message, said });
      this.first = undefined;
      this.stop();
    } else this.emit('problem', m.message);
  }

  /** 250 ms, 500 ms, 1 s ... up to 10 s, each with up to a fifth more at random. */
  private backoff(): number {
    const { firstMs, maxMs } = this.options.retry ?? { firstMs: 250, maxMs: 10_000 };
    const ms = Math.min(maxMs, firstMs * 2 ** this.attempt++);
    return Math.round(ms * (1 + Math.random() * 0.2));
  }

  private heard(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.ws?.terminate(), SILENCE_MS);
    this.silenceTimer.unref();
  }
}

function describeError(err: Error, where: string): Phrase {
  const code = errnoOf(err);
  if (code === 'ECONNREFUSED') return phrase('classTerm.client.refused', { where });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return phrase('classTerm.client.unreachable', { where });
  if (code === 'ECONNRESET') return phrase('classTerm.client.reset', { where });
  if (/Unexpected server response: 403/.test(err.message))
    return phrase('classTerm.client.forbidden', { where });
  return phrase('classTerm.client.other', { where, error: messageOf(err) });
}

/**
 * The server's refusal as a phrase this contlab can say, or undefined: from an older server,
 * or one whose message this catalogue does not have (the English `message` is shown then).
 */
function refusalOf(said: ServerErrorPhrase | undefined): Phrase | undefined {
  if (said === undefined || !hasMessage(said.id)) return undefined;
  return said.values === undefined ? phrase(said.id) : phrase(said.id, said.values);
}

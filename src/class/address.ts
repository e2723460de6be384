/**
 * Where a class lives: HOST:PORT on the loopback or the local network, never further. The
 * server refuses peers outside those ranges, and the join client refuses to go there, so a
 * classroom works offline and nothing about the room leaves it.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { LabError } from '../engine/errors.js';
import { phrase } from '../i18n/phrase.js';

/** An address as contlab class serve prints one, for remedies. */
const EXAMPLE = '192.168.1.20:7070';

export interface ClassAddress {
  host: string;
  port: number;
}

/** `HOST:PORT`, `[v6]:PORT`; a LabError saying what is wrong otherwise. */
export function parseAddress(text: string): ClassAddress {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(text) ?? /^([^:\s[\]]+):(\d+)$/.exec(text);
  if (m === null)
    throw new LabError(phrase('classTerm.error.address', { text }), {
      remedy: phrase('classTerm.error.address.remedy', { example: EXAMPLE }),
    });
  return { host: m[1] as string, port: parsePort(m[2] as string) };
}

export function parsePort(text: string, allowZero = false): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535 || port < (allowZero ? 0 : 1))
    throw new LabError(phrase('classTerm.error.port', { text }), {
      remedy: phrase('classTerm.error.port.remedy', { min: allowZero ? '0' : '1', max: '65535' }),
    });
  return port;
}

export function formatAddress({ host, port }: ClassAddress): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

function v4Parts(ip: string): number[] | undefined {
  if (isIP(ip) !== 4) return undefined;
  return ip.split('.').map(Number);
}

/** Loopback, private (RFC 1918, unique local) or link-local: this machine or its LAN. */
export function isLocalAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const v4 = v4Parts(mapped?.[1] ?? ip);
  if (v4 !== undefined) {
    const [a = -1, b = -1] = v4;
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (isIP(ip) !== 6) return false;
  const lower = ip.toLowerCase();
  return lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
}

/** What the server may listen on: a local address, or every interface (0.0.0.0, ::). */
export function checkListenHost(host: string): void {
  if (host === '0.0.0.0' || host === '::' || isLocalAddress(host)) return;
  throw new LabError(phrase('classTerm.error.notLocal', { host }), {
    remedy: phrase('classTerm.error.notLocal.remedy', {
      flag: '--host 0.0.0.0',
      ranges: '10.x, 172.16-31.x, 192.168.x',
      loopback: '127.x',
    }),
  });
}

/** Resolves a class host and refuses one outside the loopback and the local network. */
export async function resolveLocal(host: string): Promise<string> {
  let ip = host;
  if (isIP(host) === 0) {
    try {
      ip = (await lookup(host)).address;
    } catch {
      throw new LabError(phrase('classTerm.error.noHost', { host }), {
        remedy: phrase('classTerm.error.noHost.remedy', { example: EXAMPLE }),
      });
    }
  }
  if (!isLocalAddress(ip))
    throw new LabError(phrase('classTerm.error.notOnLan', { host, ip }), {
      remedy: phrase('classTerm.error.notOnLan.remedy'),
    });
  return ip;
}

/** This machine's LAN addresses (IPv4 first), to print in the join command. */
export function lanAddresses(): string[] {
  const found: string[] = [];
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? [])
      if (!a.internal && isLocalAddress(a.address) && !a.address.startsWith('fe80'))
        found.push(a.address);
  return found.sort((a, b) => isIP(a) - isIP(b));
}

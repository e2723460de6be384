/**
 * The join code an instructor shows and attendees type: six characters from an alphabet
 * without look-alikes (no 0/O, 1/I/L), read case-insensitively, dashes and spaces ignored.
 * The dashboard key is longer: only the instructor's printed link carries it.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newJoinCode(length = 6): string {
  let code = '';
  for (let i = 0; i < length; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export function codesMatch(given: string, expected: string): boolean {
  const a = Buffer.from(normaliseCode(given));
  const b = Buffer.from(normaliseCode(expected));
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newToken(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares a secret in constant time (the dashboard key). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

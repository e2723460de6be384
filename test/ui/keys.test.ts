/**
 * The key table (src/ui/keys/bindings.ts) and what is derived from it: dispatch per context,
 * the prefix, footers and the help. Pure: no terminal, no root.
 */
import { readCatalogue } from '../../src/i18n/messages.js';
import { describe, expect, test } from '@jest/globals';
import {
  BINDINGS,
  commandFor,
  footerHints,
  helpRows,
  keyFor,
  PREFIX_CONTEXTS,
  type Context,
} from '../../src/ui/keys/bindings.js';
import { parseKey, splitInput } from '../../src/ui/keys/key-press.js';
import { bytesForPty } from '../../src/ui/terminal/key-bytes.js';

const CONTEXTS: Context[] = [
  'home',
  'player-shell',
  'player-lesson',
  'slides',
  'present-shell',
  'shell',
  'notes',
];

/** Every key a spec stands for, as the terminal sends it. */
function sequencesOf(spec: string): string[] {
  const named: Record<string, string> = {
    up: '\x1b[A',
    down: '\x1b[B',
    right: '\x1b[C',
    left: '\x1b[D',
    pagedown: '\x1b[6~',
    pageup: '\x1b[5~',
    home: '\x1b[H',
    end: '\x1b[F',
    tab: '\t',
    enter: '\r',
    escape: '\x1b',
    space: ' ',
    backspace: '\x7f',
    f11: '\x1b[23~',
  };
  if (spec === '1-9') return ['1', '5', '9'];
  if (spec === 'A-I') return ['A', 'C', 'I'];
  if (spec.startsWith('ctrl-')) return [String.fromCharCode(spec.charCodeAt(5) - 96)];
  return [named[spec] ?? spec];
}

describe('key parsing', () => {
  test('escape sequences are named, with their modifiers', () => {
    expect(parseKey('\x1b[A').name).toBe('up');
    expect(parseKey('\x1b[23~').name).toBe('f11');
    expect(parseKey('\x1b[1;5C')).toMatchObject({ name: 'right', ctrl: true });
    expect(parseKey('\x1bOP').name).toBe('f1');
    expect(parseKey('\x1b[[A').name).toBe('f1');
    expect(parseKey('\x14')).toMatchObject({ name: 't', ctrl: true });
    expect(parseKey('\x7f').name).toBe('backspace');
    expect(splitInput('ab')).toEqual(['a', 'b']);
  });

  test('arrows follow the program in the pane: application cursor mode or not', () => {
    expect(bytesForPty('\x1b[A', true)).toBe('\x1bOA');
    expect(bytesForPty('\x1bOA', false)).toBe('\x1b[A');
    expect(bytesForPty('x', true)).toBe('x');
  });
});

describe('the key table', () => {
  test('every binding has an id of its own, keys, a description and a context', () => {
    const ids = BINDINGS.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const b of BINDINGS) {
      expect(b.keys.length).toBeGreaterThan(0);
      // Its description is message key.ID in the catalogue (English the source).
      expect(readCatalogue('en')[`key.${b.id}`] ?? '').not.toBe('');
      if (b.footer !== undefined)
        expect(readCatalogue('en')[`footer.${b.footer}`] ?? '').not.toBe('');
      expect(b.contexts.length).toBeGreaterThan(0);
    }
  });

  test('no key means two things in one context', () => {
    for (const context of CONTEXTS) {
      const seen = new Map<string, string>();
      for (const b of BINDINGS.filter((x) => x.contexts.includes(context))) {
        const prefixed = PREFIX_CONTEXTS.has(context);
        for (const [spec, direct] of [
          ...b.keys.map((k) => [k, !prefixed] as const),
          ...(b.direct ?? []).map((k) => [k, true] as const),
        ]) {
          for (const seq of sequencesOf(spec)) {
            const where = `${direct ? '' : 'prefix '}${seq}`;
            expect([context, where, seen.get(where) ?? b.id]).toEqual([context, where, b.id]);
            seen.set(where, b.id);
          }
        }
      }
    }
  });

  test('each key of the table dispatches to its own binding, in every context it lists', () => {
    for (const b of BINDINGS) {
      for (const context of b.contexts) {
        const afterPrefix = PREFIX_CONTEXTS.has(context);
        for (const spec of b.keys) {
          for (const seq of sequencesOf(spec)) {
            const command = commandFor(context, parseKey(seq), afterPrefix);
            const n = /^[1-9]$/.test(seq)
              ? Number(seq)
              : /^[A-I]$/.test(seq)
                ? seq.charCodeAt(0) - 64
                : 0;
            const expected = typeof b.command === 'function' ? b.command(n) : b.command;
            expect([b.id, context, seq, command]).toEqual([b.id, context, seq, expected]);
          }
        }
      }
    }
  });

  test('in the shell, only the prefix makes a key a command (F11 aside); Ctrl-C is the shell’s', () => {
    expect(commandFor('player-shell', parseKey('c'))).toBeUndefined();
    expect(commandFor('player-shell', parseKey('c'), true)).toEqual({ kind: 'check' });
    expect(commandFor('player-shell', parseKey('3'), true)).toEqual({
      kind: 'run-command',
      index: 2,
    });
    expect(commandFor('player-shell', parseKey('\x1b[23~'))).toEqual({ kind: 'fullscreen' });
    expect(commandFor('player-shell', parseKey('\x03'))).toBeUndefined();
    expect(commandFor('player-lesson', parseKey('\x03'))).toEqual({ kind: 'interrupt' });
  });

  test('lesson keys: letters, digits run commands, capitals answer, clicker keys move slides', () => {
    expect(commandFor('player-lesson', parseKey('c'))).toEqual({ kind: 'check' });
    expect(commandFor('player-lesson', parseKey('1'))).toEqual({ kind: 'run-command', index: 0 });
    expect(commandFor('player-lesson', parseKey('B'))).toEqual({ kind: 'answer', choice: 1 });
    expect(commandFor('player-lesson', parseKey('b'))).toBeUndefined();
    expect(commandFor('slides', parseKey('\x1b[6~'))).toEqual({ kind: 'slide', to: 'next' });
    expect(commandFor('slides', parseKey('\x1b[5~'))).toEqual({ kind: 'slide', to: 'prev' });
    expect(commandFor('slides', parseKey(' '))).toEqual({ kind: 'slide', to: 'next' });
  });

  test('footers are the marked bindings, shared labels merged, without the prefix', () => {
    const shell = footerHints('player-shell');
    expect(shell.map((h) => h.label)).toEqual(
      expect.arrayContaining(['check', 'hint', 'run', 'step', 'keys', 'quit']),
    );
    expect(shell.find((h) => h.label === 'step')?.keys).toBe('n/p');
    expect(shell.find((h) => h.label === 'run')?.keys).toBe('1…9');
    expect(shell.every((h) => !h.keys.includes('Ctrl-T'))).toBe(true);
    expect(footerHints('home').map((h) => `${h.keys} ${h.label}`)).toEqual([
      '↓/↑ choose',
      'Enter start',
      'p present',
      '? keys',
      'q quit',
    ]);
  });

  test('the help lists every binding of a context with all its keys', () => {
    for (const context of CONTEXTS) {
      const rows = helpRows(context);
      expect(rows).toHaveLength(BINDINGS.filter((b) => b.contexts.includes(context)).length);
    }
    const shell = helpRows('player-shell');
    expect(shell).toContainEqual({
      keys: 'Ctrl-T f or F11',
      description: 'shell full screen on/off',
    });
    expect(shell).toContainEqual({
      keys: 'Ctrl-T 1…9',
      description: 'type command N of the step into the shell and run it',
    });
    expect(keyFor('check', 'player-shell')).toBe('Ctrl-T c');
    expect(keyFor('check', 'player-lesson')).toBe('c');
  });
});

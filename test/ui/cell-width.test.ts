// cellWidth must give string-width's answer for every string: the bundle routes Ink's
// string-width imports to it, so a difference would misplace characters on screen.
import { describe, expect, test } from '@jest/globals';
import stringWidth from 'string-width';
import cellWidth from '../../src/ui/text/cell-width.js';

/** Every code point of the Basic Multilingual and Supplementary planes, surrogates left out. */
function* codePoints(): Generator<string> {
  for (let cp = 0; cp < 0x20000; cp++)
    if (cp < 0xd800 || cp > 0xdfff) yield String.fromCodePoint(cp);
}

/** A deterministic pseudo-random generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('cellWidth', () => {
  test('every code point alone: string-width’s width', () => {
    const wrong: string[] = [];
    for (const ch of codePoints()) {
      const want = stringWidth(ch);
      if (cellWidth(ch) !== want)
        wrong.push(`U+${ch.codePointAt(0)?.toString(16)}: ${cellWidth(ch)} ≠ ${want}`);
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  test('strings of mixed scripts, marks, jamo and emoji: string-width’s width', () => {
    // Pieces chosen to meet each rule: clusters made by marks, joiners, jamo, flags,
    // variation selectors, keycaps, and the plain text around them.
    const pieces = [
      ...Array.from(
        'aZ ~é—…│─└✓✗→≠ЖщЁ中文，。（）가각ᄀ하ᅡᆨ\u0301\u0308\u200d\u200b\ufe0f\u20e3\u3099ｶﾞﾟＡ①' +
          '▶⚠✔🙂👍🏽🇩🇪❤☺️#\t\x1b\x9b[m',
      ),
      // Escapes: colours as Ink writes them, and ones string-width reads otherwise.
      ...['\x1b[31m', '\x1b[0;1;36m', '\x1b[38;5;245m', '\x1b[m', '\x1b[12345m', '\x1b[2J'],
      ...['\x1b[38:2:1:2:3m', '\x1b]8;;http://x\x07', '\x9b1m'],
    ];
    const next = random(42);
    const wrong: string[] = [];
    for (let n = 0; n < 20000; n++) {
      let text = '';
      const length = 1 + Math.floor(next() * 8);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
      if (cellWidth(text) !== stringWidth(text)) wrong.push(JSON.stringify(text));
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  test('options reach string-width', () => {
    expect(cellWidth('±', { ambiguousIsNarrow: false })).toBe(2);
    expect(cellWidth('\x1b[31mab\x1b[0m', { countAnsiEscapeCodes: true })).toBe(
      stringWidth('\x1b[31mab\x1b[0m', { countAnsiEscapeCodes: true }),
    );
    expect(cellWidth('')).toBe(0);
  });
});

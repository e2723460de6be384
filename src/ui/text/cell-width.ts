/**
 * Terminal cells a string takes: the same answer as string-width, quicker for the text a
 * lab screen is made of. string-width splits text into grapheme clusters (Intl.Segmenter)
 * and tests each against an emoji pattern (\p{RGI_Emoji}); the first non-ASCII string
 * costs ~45 ms to set those up, and every later one a few microseconds. Box-drawing lines,
 * arrows, ✓, Cyrillic and Chinese need none of that: each code point there is a cluster of
 * its own and its width is its East Asian Width. The bundle routes every string-width
 * import (Ink's too) here, so the first frame does not pay for emoji it does not show.
 * test/ui/cell-width.test.ts compares this with string-width over every code point.
 */
import { eastAsianWidth } from 'get-east-asian-width';
import stringWidth from 'string-width';

type Options = Parameters<typeof stringWidth>[1];

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Colour and style sequences (SGR: ESC [ 1;36 m), the only escapes Ink's frames are made
 * of. string-width strips every ANSI escape before it measures; removing these the same way
 * (at most four digits a parameter, as its pattern reads them) gives the same text. Any
 * other escape left in the text sends it to string-width.
 */
// eslint-disable-next-line no-control-regex -- an escape sequence is what it matches
const SGR = /\x1b\[(?:\d{1,4}(?:;\d{0,4})*)?m/g;

/**
 * Code points string-width may treat other than by East Asian Width: invisible ones (width
 * 0), emoji shown as emoji by default (width 2), marks and joiners that glue a cluster to
 * the code point before them, and regional indicators (flags come in pairs). A pictograph
 * shown as text by default (▶ ⚠ ✔) stands alone here, since the joiners and variation
 * selectors that would make it an emoji cluster are not simple: its width is its own.
 */
const NOT_SIMPLE =
  /[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Mark}\p{Surrogate}\p{Emoji_Presentation}\p{Emoji_Modifier}\p{Regional_Indicator}\p{Grapheme_Extend}]/u;

/**
 * Blocks where a code point that passes NOT_SIMPLE also starts and ends its own grapheme
 * cluster: no Hangul jamo (L+V+T join into one syllable), no Prepend characters (scripts
 * of South and South-East Asia). Text outside them goes to string-width as it is.
 */
function inSimpleBlock(cp: number): boolean {
  return (
    (cp >= 0xa0 && cp < 0x590) || // Latin, IPA, Greek, Cyrillic, Armenian
    (cp >= 0x1e00 && cp < 0x2c00) || // Latin extended, punctuation, symbols, arrows, boxes
    (cp >= 0x2e80 && cp < 0xa000) || // CJK radicals, punctuation, kana, ideographs
    (cp >= 0xac00 && cp < 0xd7a4) || // Hangul syllables (whole, not jamo)
    (cp >= 0xf900 && cp < 0xfb00) || // CJK compatibility ideographs
    (cp >= 0xff01 && cp < 0xff9e) // fullwidth and halfwidth forms (not the sound marks)
  );
}

/** The width of `text` when every code point is simple, or undefined when one is not. */
function simpleWidth(text: string): number | undefined {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.charCodeAt(i);
    if (cp >= 0x20 && cp < 0x7f) {
      width += 1;
      continue;
    }
    // Surrogate halves fail inSimpleBlock: astral text goes to string-width.
    if (!inSimpleBlock(cp) || NOT_SIMPLE.test(text[i] ?? '')) return undefined;
    width += eastAsianWidth(cp);
  }
  return width;
}

/** `text` without its SGR sequences, or undefined when it holds some other escape. */
function withoutStyles(text: string): string | undefined {
  if (!text.includes('\x1b') && !text.includes('\x9b')) return text;
  const plain = text.replace(SGR, '');
  return plain.includes('\x1b') || plain.includes('\x9b') ? undefined : plain;
}

/** Cells `text` takes in a terminal: string-width's answer, found the quick way when it can. */
export default function cellWidth(text: string, options?: Options): number {
  if (typeof text !== 'string' || text === '') return 0;
  if (PRINTABLE_ASCII.test(text)) return text.length;
  if (options !== undefined && Object.keys(options).length > 0) return stringWidth(text, options);
  const plain = withoutStyles(text);
  if (plain === undefined) return stringWidth(text);
  if (PRINTABLE_ASCII.test(plain)) return plain.length;
  return simpleWidth(plain) ?? stringWidth(plain);
}

/**
 * Word wrapping of styled text. Breaks at spaces (a word longer than the line is cut where
 * it must be), never starts or ends a line with the space it broke at, and keeps each
 * piece's style: an inline code span wraps like any other words, with no stray space at
 * the start of the next line. A `\n` in the text is a forced line break. Chinese and
 * Japanese have no spaces between words: a line may break between two wide (East Asian)
 * characters, or between one and a narrow one, except before closing punctuation (，。）)
 * or after opening punctuation (（「), which stay with their neighbour.
 */
import { widthOf, type Line, type Segment, type Style } from './styled.js';

interface Word {
  parts: Segment[];
  width: number;
}

/** A paragraph's pieces: words (runs of non-space), the spaces between them, and breaks. */
type Token = { kind: 'word'; word: Word } | { kind: 'space'; style?: Style } | { kind: 'break' };

/** Punctuation a line must not start with (it closes what came before). */
const NO_START = new Set(
  Array.from('、。，．：；？！）」』】〕〉》〗〙’”・ー…‥～〜%),.:;?!]}｝］）％'),
);
/** Punctuation a line must not end with (it opens what comes after). */
const NO_END = new Set(Array.from('（「『【〔〈《〖〘‘“([{｛［'));
const ASCII = /^[\x20-\x7e]*$/;

/** A wide (East Asian) character: two cells, and a place a line may break beside. */
export function isWide(ch: string): boolean {
  return ch !== '' && !ASCII.test(ch) && widthOf(ch) >= 2;
}

/** Whether a line may break between `a` and `b`, two characters with no space between. */
function mayBreak(a: string, b: string): boolean {
  return (isWide(a) || isWide(b)) && !NO_START.has(b) && !NO_END.has(a);
}

function tokenize(segments: readonly Segment[]): Token[] {
  const tokens: Token[] = [];
  let word: Word | undefined;
  /** The last character of the word being collected ('' when there is none). */
  let last = '';
  const endWord = (): void => {
    if (word !== undefined) tokens.push({ kind: 'word', word });
    word = undefined;
    last = '';
  };
  const add = (text: string, style: Style | undefined): void => {
    word ??= { parts: [], width: 0 };
    word.parts.push(style === undefined ? { text } : { text, style });
    word.width += widthOf(text);
  };
  for (const s of segments) {
    for (const piece of s.text.split(/(\n|[ \t\r]+)/)) {
      if (piece === '') continue;
      if (piece === '\n') {
        endWord();
        tokens.push({ kind: 'break' });
      } else if (/^[ \t\r]+$/.test(piece)) {
        endWord();
        tokens.push(s.style === undefined ? { kind: 'space' } : { kind: 'space', style: s.style });
      } else if (ASCII.test(piece) && !isWide(last)) {
        // Plain ASCII after no wide character: one word, as written.
        add(piece, s.style);
        last = piece[piece.length - 1] ?? '';
      } else {
        let run = '';
        for (const ch of piece) {
          if (last !== '' && mayBreak(last, ch)) {
            if (run !== '') add(run, s.style);
            run = '';
            endWord();
          }
          run += ch;
          last = ch;
        }
        if (run !== '') add(run, s.style);
      }
    }
  }
  endWord();
  return tokens;
}

/** The widest piece of `text` a line cannot break inside (a word; one wide character). */
export function longestUnbreakable(text: string): number {
  let widest = 0;
  for (const t of tokenize([{ text }]))
    if (t.kind === 'word') widest = Math.max(widest, t.word.width);
  return widest;
}

/** Cuts `word` into pieces of at most `width` cells (the first at most `first`). */
function cutWord(word: Word, first: number, width: number): Word[] {
  const pieces: Word[] = [];
  let current: Word = { parts: [], width: 0 };
  let limit = Math.max(1, first);
  for (const part of word.parts) {
    let text = '';
    for (const ch of part.text) {
      const w = widthOf(ch);
      if (current.width + widthOf(text) + w > limit && (current.width > 0 || text !== '')) {
        if (text !== '') current.parts.push({ ...part, text });
        current.width += widthOf(text);
        pieces.push(current);
        current = { parts: [], width: 0 };
        text = '';
        limit = Math.max(1, width);
      }
      text += ch;
    }
    if (text !== '') {
      current.parts.push({ ...part, text });
      current.width += widthOf(text);
    }
  }
  if (current.parts.length > 0) pieces.push(current);
  return pieces;
}

export interface WrapOptions {
  /** Drawn before the first line (a bullet, a number); counts toward the width. */
  first?: Segment[];
  /** Drawn before every other line (the hanging indent); counts toward the width. */
  rest?: Segment[];
}

/** `segments` as lines of at most `width` cells. Empty text gives one (prefix-only) line. */
export function wrap(
  segments: readonly Segment[],
  width: number,
  options: WrapOptions = {},
): Line[] {
  const first = options.first ?? [];
  const rest = options.rest ?? [];
  const prefixWidth = (p: Segment[]): number => p.reduce((n, s) => n + widthOf(s.text), 0);
  const lines: Line[] = [];
  let line: Line = [...first];
  let avail = Math.max(1, width - prefixWidth(first));
  let used = 0;
  let pendingSpace: Style | undefined | null = null;
  const newLine = (): void => {
    lines.push(line);
    line = [...rest];
    avail = Math.max(1, width - prefixWidth(rest));
    used = 0;
    pendingSpace = null;
  };
  const place = (word: Word): void => {
    line.push(...word.parts);
    used += word.width;
  };
  for (const token of tokenize(segments)) {
    if (token.kind === 'break') {
      newLine();
      continue;
    }
    if (token.kind === 'space') {
      if (used > 0) pendingSpace = token.style;
      continue;
    }
    const word = token.word;
    const space = pendingSpace === null ? 0 : 1;
    if (used + space + word.width <= avail) {
      if (pendingSpace !== null)
        line.push(pendingSpace === undefined ? { text: ' ' } : { text: ' ', style: pendingSpace });
      pendingSpace = null;
      used += space;
      place(word);
      continue;
    }
    if (word.width <= Math.max(1, width - prefixWidth(rest)) || used > 0) {
      // The word goes on the next line (cut there when even a whole line is too short).
      if (used > 0) newLine();
      pendingSpace = null;
      if (word.width <= avail) {
        place(word);
        continue;
      }
    }
    const pieces = cutWord(word, avail - used, Math.max(1, width - prefixWidth(rest)));
    pieces.forEach((piece, i) => {
      if (i > 0) newLine();
      place(piece);
    });
    pendingSpace = null;
  }
  lines.push(line);
  return lines;
}

/**
 * Keys as the terminal sent them. Ink's input parser hands over one escape sequence per key
 * and runs of plain text as one string; the app needs both the raw bytes (for the embedded
 * shell, which must get exactly what was typed) and a name (for its own key bindings).
 */

export interface KeyPress {
  /** The bytes exactly as the terminal sent them. */
  seq: string;
  /** A printable character (`a`, `?`, `é`) or a key name (`up`, `enter`, `f11`, `escape`). */
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

const ESC = '\x1b';
/** ESC as a regular-expression escape, so the patterns below need no control characters. */
const E = '\\x1b';
const CSI_KEY = new RegExp(`^${E}\\[(?:(\\d+)(?:;(\\d+))?)?([A-Z~])$`);
const SS3_KEY = new RegExp(`^${E}O([A-Z])$`);
const LINUX_F_KEY = new RegExp(`^${E}\\[\\[([A-E])$`);

const CSI_LETTER: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  P: 'f1',
  Q: 'f2',
  R: 'f3',
  S: 'f4',
  Z: 'backtab',
};

const CSI_TILDE: Record<string, string> = {
  '1': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '5': 'pageup',
  '6': 'pagedown',
  '7': 'home',
  '8': 'end',
  '11': 'f1',
  '12': 'f2',
  '13': 'f3',
  '14': 'f4',
  '15': 'f5',
  '17': 'f6',
  '18': 'f7',
  '19': 'f8',
  '20': 'f9',
  '21': 'f10',
  '23': 'f11',
  '24': 'f12',
};

/** Splits one input event into keys: escape sequences stay whole, text becomes characters. */
export function splitInput(event: string): string[] {
  if (event.startsWith(ESC)) return [event];
  return Array.from(event);
}

function key(seq: string, name: string, mods: Partial<KeyPress> = {}): KeyPress {
  return { seq, name, ctrl: false, meta: false, shift: false, ...mods };
}

/** xterm modifier parameter: 1 + (shift 1, alt 2, ctrl 4). */
function modifiers(param: string | undefined): Partial<KeyPress> {
  const n = Number(param ?? '1') - 1;
  if (!Number.isInteger(n) || n <= 0) return {};
  return { shift: (n & 1) !== 0, meta: (n & 2) !== 0, ctrl: (n & 4) !== 0 };
}

function parseEscape(seq: string): KeyPress {
  if (seq === ESC || seq === ESC + ESC) return key(seq, 'escape');
  const csi = CSI_KEY.exec(seq);
  if (csi !== null) {
    const [, num, mod, final] = csi;
    const name =
      final === '~'
        ? CSI_TILDE[num ?? '']
        : num === undefined || num === '1'
          ? CSI_LETTER[final ?? '']
          : undefined;
    if (name !== undefined)
      return key(seq, name, { ...modifiers(mod), ...(name === 'backtab' ? { shift: true } : {}) });
  }
  const ss3 = SS3_KEY.exec(seq);
  if (ss3 !== null) {
    const name = CSI_LETTER[ss3[1] ?? ''];
    if (name !== undefined) return key(seq, name);
  }
  const linuxF = LINUX_F_KEY.exec(seq);
  if (linuxF !== null) return key(seq, `f${'ABCDE'.indexOf(linuxF[1] ?? 'A') + 1}`);
  if (seq.length >= 2 && !seq.startsWith(ESC + '[') && !seq.startsWith(ESC + 'O')) {
    const inner = parseKey(seq.slice(1));
    return { ...inner, seq, meta: true };
  }
  return key(seq, 'unknown');
}

/** Names one key (one element of `splitInput`). */
export function parseKey(seq: string): KeyPress {
  if (seq.startsWith(ESC)) return parseEscape(seq);
  switch (seq) {
    case '\r':
    case '\n':
      return key(seq, 'enter');
    case '\t':
      return key(seq, 'tab');
    case '\x7f':
    case '\b':
      return key(seq, 'backspace');
    case ' ':
      return key(seq, 'space');
    case '\x00':
      return key(seq, 'space', { ctrl: true });
  }
  const code = seq.codePointAt(0) ?? 0;
  if (seq.length === 1 && code >= 1 && code <= 26) {
    return key(seq, String.fromCharCode(code + 96), { ctrl: true });
  }
  if (seq.length === 1 && code >= 28 && code <= 31) {
    return key(seq, String.fromCharCode(code + 64), { ctrl: true });
  }
  return key(seq, seq, { shift: seq !== seq.toLowerCase() });
}

/** `Ctrl-T`, `F11`, `q`, `↑`: how the footer and help write a key. */
export function describeKey(k: Pick<KeyPress, 'name' | 'ctrl' | 'meta'>): string {
  const arrows: Record<string, string> = { up: '↑', down: '↓', left: '←', right: '→' };
  let name = arrows[k.name] ?? (k.name.length === 1 ? k.name : k.name.replace(/^f(\d+)$/, 'F$1'));
  if (k.name === 'enter') name = 'Enter';
  if (k.ctrl) name = `Ctrl-${name.toUpperCase()}`;
  if (k.meta) name = `Alt-${name}`;
  return name;
}

/**
 * The lab shell's marks in its own output: bash's PS0 (shown when a command line starts)
 * and PROMPT_COMMAND (before each prompt) write an OSC escape sequence that no terminal
 * shows (src/ui/terminal/lab.bashrc):
 *
 *   ESC ] 777 ; contlab ; run ; SHELL ; NUMBER ; TIME BEL
 *   ESC ] 777 ; contlab ; prompt ; SHELL ; STATUS ; TIME ; new|same|ran ; [HISTORY] BEL
 *   ESC ] 777 ; contlab ; ready ; SHELL ; TIME BEL
 *
 * `prompt` comes first in PROMPT_COMMAND (the command is done), `ready` last: what the
 * learner's own PROMPT_COMMAND runs in between (pyenv, git prompts) is no command of theirs.
 * SHELL tells nested shells apart (`unshare --fork bash` starts one), TIME is bash's
 * $EPOCHREALTIME, HISTORY is `history 1` after a command ran ("  42  the command line").
 * This filter takes them out of the shell's output (split across chunks or not) and hands
 * them over; the rest goes to the terminal untouched.
 */

export type ShellMarker =
  | { kind: 'run'; shell: string; at: number }
  | {
      kind: 'prompt';
      shell: string;
      at: number;
      status: number;
      /** new: the shell's first prompt; ran: a command ran; same: an empty line. */
      after: 'new' | 'same' | 'ran';
      /** The command line that ran (from the shell's history), when `ran`. */
      command: string | undefined;
    }
  | { kind: 'ready'; shell: string; at: number };

const START = '\x1b]777;contlab;';
const END = '\x07';
/** A marker longer than this is not one: what was held back goes out as text. */
const MAX_MARKER = 16 * 1024;

/** $EPOCHREALTIME ("1700000000.123456", a comma in some locales) in ms. */
function timeOf(text: string | undefined): number {
  const n = Number((text ?? '').replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? n * 1000 : Date.now();
}

/** `  42  unshare --net true` (maybe several lines, with \r\n) → `unshare --net true`. */
function historyText(text: string): string | undefined {
  const line = text.replace(/\r/g, '').replace(/\n+$/, '');
  const m = /^\s*\d+\*?\s+([\s\S]*)$/.exec(line);
  const command = (m?.[1] ?? line).trim();
  return command === '' ? undefined : command;
}

export function parseMarker(body: string): ShellMarker | undefined {
  const f = body.split(';');
  if (f[0] === 'run') return { kind: 'run', shell: f[1] ?? '', at: timeOf(f[3]) };
  if (f[0] === 'ready') return { kind: 'ready', shell: f[1] ?? '', at: timeOf(f[2]) };
  if (f[0] !== 'prompt') return undefined;
  const after = f[4] === 'new' || f[4] === 'ran' ? f[4] : 'same';
  return {
    kind: 'prompt',
    shell: f[1] ?? '',
    status: Number(f[2] ?? 0) || 0,
    at: timeOf(f[3]),
    after,
    command: after === 'ran' ? historyText(f.slice(5).join(';')) : undefined,
  };
}

export class MarkerFilter {
  private held = '';

  /** The chunk without the markers in it, and the markers. */
  push(chunk: string): { text: string; markers: ShellMarker[] } {
    let data = this.held + chunk;
    this.held = '';
    // The common case: no marker at all, nothing held back.
    if (!data.includes('\x1b')) return { text: data, markers: [] };
    const markers: ShellMarker[] = [];
    let text = '';
    for (;;) {
      const start = data.indexOf(START);
      if (start < 0) {
        // A marker may begin at the very end of this chunk: hold back a prefix of START.
        const keep = partialStart(data);
        text += data.slice(0, data.length - keep);
        this.held = data.slice(data.length - keep);
        return { text, markers };
      }
      text += data.slice(0, start);
      const end = data.indexOf(END, start + START.length);
      if (end < 0) {
        const rest = data.slice(start);
        if (rest.length > MAX_MARKER) text += rest;
        else this.held = rest;
        return { text, markers };
      }
      const marker = parseMarker(data.slice(start + START.length, end));
      if (marker !== undefined) markers.push(marker);
      data = data.slice(end + END.length);
    }
  }
}

/** How many characters at the end of `data` could begin START. */
function partialStart(data: string): number {
  for (let n = Math.min(START.length - 1, data.length); n > 0; n--)
    if (START.startsWith(data.slice(data.length - n))) return n;
  return 0;
}

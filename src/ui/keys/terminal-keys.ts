/**
 * Keys while the shell pane has the focus. Everything goes to the shell except the prefix
 * Ctrl-T, which makes the next key a command of the app (as tmux's Ctrl-B does): Ctrl-T and
 * a letter pass through SSH, tmux and screen unchanged, where F-keys often do not. F11 also
 * toggles full-screen where the terminal sends it. Ctrl-T Ctrl-T types a literal Ctrl-T.
 */
import type { KeyPress } from './key-press.js';

export const PREFIX_LABEL = 'Ctrl-T';
const PREFIX = '\x14';

export type PaneCommand =
  | 'fullscreen'
  | 'quit'
  | 'focus-lesson'
  | 'next-step'
  | 'prev-step'
  | 'checkpoint'
  | 'hint'
  | 'skip-typing'
  | 'help'
  | `tab-${number}`;

export type PaneKeyAction =
  | { kind: 'pty'; seq: string }
  | { kind: 'command'; command: PaneCommand }
  | { kind: 'prefix' }
  | { kind: 'cancel' }
  | { kind: 'ctrl-c'; seq: string };

const AFTER_PREFIX: Record<string, PaneCommand> = {
  f: 'fullscreen',
  q: 'quit',
  tab: 'focus-lesson',
  o: 'focus-lesson',
  n: 'next-step',
  p: 'prev-step',
  c: 'checkpoint',
  h: 'hint',
  s: 'skip-typing',
  '?': 'help',
};

/** What one key does; `prefixPending` is whether the key before it was the prefix. */
export function routePaneKey(key: KeyPress, prefixPending: boolean): PaneKeyAction {
  if (prefixPending) {
    if (key.seq === PREFIX) return { kind: 'pty', seq: PREFIX };
    if (key.name === 'escape') return { kind: 'cancel' };
    if (/^[1-9]$/.test(key.name)) return { kind: 'command', command: `tab-${Number(key.name)}` };
    const command = AFTER_PREFIX[key.name];
    return command === undefined ? { kind: 'cancel' } : { kind: 'command', command };
  }
  if (key.seq === PREFIX) return { kind: 'prefix' };
  if (key.name === 'f11') return { kind: 'command', command: 'fullscreen' };
  if (key.seq === '\x03') return { kind: 'ctrl-c', seq: key.seq };
  return { kind: 'pty', seq: key.seq };
}

/**
 * Presenter keys. Clickers send PageDown/PageUp (some arrows, space or b), so every one of
 * those moves between slides; d (or Enter) types the slide's demo into the shell.
 */
import type { KeyPress } from './key-press.js';

export type PresentCommand =
  | 'next'
  | 'prev'
  | 'demo'
  | 'skip-typing'
  | 'focus-shell'
  | 'fullscreen'
  | 'first'
  | 'last'
  | 'quit';

const BY_NAME: Record<string, PresentCommand> = {
  right: 'next',
  down: 'next',
  pagedown: 'next',
  space: 'next',
  n: 'next',
  left: 'prev',
  up: 'prev',
  pageup: 'prev',
  backspace: 'prev',
  p: 'prev',
  d: 'demo',
  enter: 'demo',
  s: 'skip-typing',
  tab: 'focus-shell',
  f: 'fullscreen',
  home: 'first',
  end: 'last',
  q: 'quit',
};

export function presentCommandOf(key: KeyPress): PresentCommand | undefined {
  if (key.ctrl || key.meta) return undefined;
  return BY_NAME[key.name];
}

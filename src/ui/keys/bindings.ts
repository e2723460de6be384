/**
 * Every key binding of the app in one table: its keys, what it does (a Command), where it
 * works, and how the footer and the help overlay describe it. Dispatch, footers and help are
 * all derived from this table, so a key cannot work without being listed, nor be listed
 * without working.
 *
 * Where the embedded shell has the focus, keys go to the shell; the app's keys follow the
 * prefix Ctrl-T there (as tmux's Ctrl-B): Ctrl-T and a letter pass through SSH, tmux and
 * screen unchanged, where F-keys often do not. Elsewhere plain keys work.
 */
import { t } from '../../i18n/messages.js';
import { describeKey, type KeyPress } from './key-press.js';
import type { Command } from './commands.js';

export type Context =
  'home' | 'player-shell' | 'player-lesson' | 'slides' | 'present-shell' | 'shell' | 'notes';

/** Contexts where the shell has the focus: the app's keys come after the prefix. */
export const PREFIX_CONTEXTS: ReadonlySet<Context> = new Set([
  'player-shell',
  'present-shell',
  'shell',
]);
export const PREFIX_SEQ = '\x14';
export const PREFIX_LABEL = 'Ctrl-T';

/**
 * A key as the table writes it: a key name (`c`, `?`, `up`, `pagedown`, `f11`, `tab`),
 * `ctrl-x`, or a range: `1-9` (digits, the number is passed on) or `A-I` (capitals).
 */
export type KeySpec = string;

export interface Binding {
  id: string;
  keys: readonly KeySpec[];
  /** In prefix contexts: keys that work without the prefix (F11). */
  direct?: readonly KeySpec[];
  contexts: readonly Context[];
  /** The command; for a range key, made from the number the key stands for (1-based). */
  command: Command | ((n: number) => Command);
  /**
   * Shown in the footer with this label (message `footer.LABEL`); bindings with the same
   * label share one entry. What it does, for the help, is message `key.ID`.
   */
  footer?: string;
  /** Where the footer shows it (default: every context of the binding). */
  footerIn?: readonly Context[];
}

const PLAYER: Context[] = ['player-shell', 'player-lesson'];

export const BINDINGS: readonly Binding[] = [
  // The player.
  {
    id: 'check',
    keys: ['c'],
    contexts: PLAYER,
    command: { kind: 'check' },
    footer: 'check',
  },
  {
    id: 'hint',
    keys: ['h'],
    contexts: PLAYER,
    command: { kind: 'hint' },
    footer: 'hint',
  },
  {
    id: 'run-command',
    keys: ['1-9'],
    contexts: PLAYER,
    command: (n) => ({ kind: 'run-command', index: n - 1 }),
    footer: 'run',
  },
  {
    id: 'next-step',
    keys: ['n', 'right'],
    contexts: PLAYER,
    command: { kind: 'step', delta: 1 },
    footer: 'step',
  },
  {
    id: 'prev-step',
    keys: ['p', 'left'],
    contexts: PLAYER,
    command: { kind: 'step', delta: -1 },
    footer: 'step',
  },
  {
    id: 'solution',
    keys: ['s'],
    contexts: PLAYER,
    command: { kind: 'solution' },
    footer: 'solution',
    footerIn: ['player-lesson'],
  },
  {
    id: 'answer',
    keys: ['A-I'],
    contexts: PLAYER,
    command: (n) => ({ kind: 'answer', choice: n - 1 }),
    footer: 'answer',
    footerIn: ['player-lesson'],
  },
  {
    id: 'scroll-down',
    keys: ['down', 'j'],
    contexts: PLAYER,
    command: { kind: 'scroll', by: 'line', delta: 1 },
    footer: 'scroll',
  },
  {
    id: 'scroll-up',
    keys: ['up', 'k'],
    contexts: PLAYER,
    command: { kind: 'scroll', by: 'line', delta: -1 },
    footer: 'scroll',
  },
  {
    id: 'page-down',
    keys: ['pagedown', 'space'],
    contexts: PLAYER,
    command: { kind: 'scroll', by: 'page', delta: 1 },
  },
  {
    id: 'page-up',
    keys: ['pageup'],
    contexts: PLAYER,
    command: { kind: 'scroll', by: 'page', delta: -1 },
  },
  {
    id: 'undo',
    keys: ['u'],
    contexts: PLAYER,
    command: { kind: 'undo' },
    footer: 'undo',
    footerIn: ['player-lesson'],
  },
  {
    id: 'toggle-panels',
    keys: ['l'],
    contexts: PLAYER,
    command: { kind: 'toggle-panels' },
    footer: 'live',
  },
  {
    id: 'toggle-follow',
    keys: ['w'],
    contexts: PLAYER,
    command: { kind: 'toggle-follow' },
  },
  {
    id: 'next-panel',
    keys: [']'],
    contexts: PLAYER,
    command: { kind: 'panel', delta: 1 },
  },
  {
    id: 'prev-panel',
    keys: ['['],
    contexts: PLAYER,
    command: { kind: 'panel', delta: -1 },
  },
  {
    id: 'focus-lesson',
    keys: ['tab', 'o'],
    contexts: ['player-shell'],
    command: { kind: 'focus', to: 'lesson' },
    footer: 'lesson',
  },
  {
    id: 'focus-shell',
    keys: ['tab', 'escape'],
    contexts: ['player-lesson'],
    command: { kind: 'focus', to: 'shell' },
    footer: 'shell',
  },
  // The presenter.
  {
    id: 'next-slide',
    keys: ['right', 'down', 'pagedown', 'space', 'n'],
    contexts: ['slides'],
    command: { kind: 'slide', to: 'next' },
    footer: 'next',
  },
  {
    id: 'prev-slide',
    keys: ['left', 'up', 'pageup', 'backspace', 'p'],
    contexts: ['slides'],
    command: { kind: 'slide', to: 'prev' },
    footer: 'back',
  },
  {
    id: 'first-slide',
    keys: ['home'],
    contexts: ['slides'],
    command: { kind: 'slide', to: 'first' },
  },
  {
    id: 'last-slide',
    keys: ['end'],
    contexts: ['slides'],
    command: { kind: 'slide', to: 'last' },
  },
  {
    id: 'slide-down',
    keys: ['j'],
    contexts: ['slides'],
    command: { kind: 'scroll', by: 'line', delta: 1 },
    footer: 'scroll',
  },
  {
    id: 'slide-up',
    keys: ['k'],
    contexts: ['slides'],
    command: { kind: 'scroll', by: 'line', delta: -1 },
    footer: 'scroll',
  },
  {
    id: 'demo',
    keys: ['d', 'enter'],
    contexts: ['slides'],
    command: { kind: 'demo' },
    footer: 'demo',
  },
  {
    id: 'skip-typing',
    keys: ['s'],
    contexts: ['slides', 'present-shell'],
    command: { kind: 'skip-typing' },
    footer: 'skip',
  },
  {
    id: 'focus-present-shell',
    keys: ['tab'],
    contexts: ['slides'],
    command: { kind: 'focus', to: 'shell' },
    footer: 'shell',
  },
  {
    id: 'focus-slides',
    keys: ['tab', 'o'],
    contexts: ['present-shell'],
    command: { kind: 'focus', to: 'lesson' },
    footer: 'slides',
  },
  // Home.
  {
    id: 'select-down',
    keys: ['down', 'j'],
    contexts: ['home'],
    command: { kind: 'select', delta: 1 },
    footer: 'choose',
  },
  {
    id: 'select-up',
    keys: ['up', 'k'],
    contexts: ['home'],
    command: { kind: 'select', delta: -1 },
    footer: 'choose',
  },
  {
    id: 'open-player',
    keys: ['enter'],
    contexts: ['home'],
    command: { kind: 'open', mode: 'start' },
    footer: 'start',
  },
  {
    id: 'open-present',
    keys: ['p'],
    contexts: ['home'],
    command: { kind: 'open', mode: 'present' },
    footer: 'present',
  },
  // Everywhere.
  {
    id: 'fullscreen',
    keys: ['f'],
    direct: ['f11'],
    contexts: ['player-shell', 'player-lesson', 'slides', 'present-shell'],
    command: { kind: 'fullscreen' },
    footer: 'full',
  },
  {
    id: 'redraw',
    keys: ['r'],
    contexts: ['player-shell', 'player-lesson', 'slides', 'present-shell', 'shell', 'home'],
    command: { kind: 'redraw' },
  },
  {
    id: 'help',
    keys: ['?'],
    contexts: ['player-shell', 'player-lesson', 'slides', 'present-shell', 'shell', 'home'],
    command: { kind: 'help' },
    footer: 'keys',
  },
  {
    id: 'quit',
    keys: ['q'],
    contexts: ['player-shell', 'player-lesson', 'slides', 'present-shell', 'shell', 'notes'],
    command: { kind: 'quit' },
    footer: 'quit',
  },
  {
    id: 'quit-home',
    keys: ['q', 'escape'],
    contexts: ['home'],
    command: { kind: 'quit' },
    footer: 'quit',
  },
  {
    id: 'interrupt',
    keys: ['ctrl-c'],
    contexts: ['player-lesson', 'slides', 'home', 'notes'],
    command: { kind: 'interrupt' },
  },
];

/** The number a key stands for under `spec` (1-based), 0 when it matches without one, or undefined. */
function matchSpec(spec: KeySpec, key: KeyPress): number | undefined {
  if (spec === '1-9')
    return !key.ctrl && !key.meta && /^[1-9]$/.test(key.name) ? Number(key.name) : undefined;
  if (spec === 'A-I')
    return !key.ctrl && !key.meta && /^[A-I]$/.test(key.name)
      ? key.name.charCodeAt(0) - 64
      : undefined;
  if (spec.startsWith('ctrl-')) return key.ctrl && key.name === spec.slice(5) ? 0 : undefined;
  // Enter and Tab are named keys, not Ctrl-M or Ctrl-I.
  return !key.ctrl && !key.meta && key.name === spec ? 0 : undefined;
}

function commandOf(binding: Binding, n: number): Command {
  return typeof binding.command === 'function' ? binding.command(n) : binding.command;
}

/**
 * The command `key` means in `context`. In prefix contexts, `afterPrefix` says whether the
 * key came right after Ctrl-T (only then do the table's keys count; direct keys always do).
 */
export function commandFor(
  context: Context,
  key: KeyPress,
  afterPrefix = false,
): Command | undefined {
  const prefixed = PREFIX_CONTEXTS.has(context);
  for (const b of BINDINGS) {
    if (!b.contexts.includes(context)) continue;
    const specs = prefixed
      ? afterPrefix
        ? b.keys
        : (b.direct ?? [])
      : [...b.keys, ...(b.direct ?? [])];
    for (const spec of specs) {
      const n = matchSpec(spec, key);
      if (n !== undefined) return commandOf(b, n);
    }
  }
  return undefined;
}

/** How the footer and the help write a key spec. */
function describeSpec(spec: KeySpec): string {
  if (spec === '1-9') return '1…9';
  if (spec === 'A-I') return 'A…I';
  if (spec.startsWith('ctrl-')) return `Ctrl-${spec.slice(5).toUpperCase()}`;
  if (spec === 'space') return 'Space';
  if (spec === 'tab') return 'Tab';
  if (spec === 'escape') return 'Esc';
  if (spec === 'pagedown') return 'PgDn';
  if (spec === 'pageup') return 'PgUp';
  if (spec === 'backspace') return 'Bksp';
  if (spec === 'home') return 'Home';
  if (spec === 'end') return 'End';
  return describeKey({ name: spec, ctrl: false, meta: false });
}

/** A binding's main key in `context`, as the learner types it (`Ctrl-T c`, `c`). */
function keyLabel(binding: Binding, context: Context, all = false): string {
  const prefix = PREFIX_CONTEXTS.has(context) ? `${PREFIX_LABEL} ` : '';
  const keys = all ? binding.keys : binding.keys.slice(0, 1);
  const main = `${prefix}${keys.map(describeSpec).join('/')}`;
  const direct = all && binding.direct !== undefined ? binding.direct.map(describeSpec) : [];
  return [main, ...direct].reduce((a, b) => t('help.or', { a, b }));
}

export interface FooterHint {
  keys: string;
  /** The label's message ID suffix (`quit`), the same in every language. */
  id: string;
  label: string;
}

/**
 * The footer of `context`: the bindings it marks, those with the same label as one entry.
 * The keys are written without the prefix: the footer names it once, in front.
 */
export function footerHints(context: Context): FooterHint[] {
  const hints: FooterHint[] = [];
  for (const b of BINDINGS) {
    if (b.footer === undefined || !(b.footerIn ?? b.contexts).includes(context)) continue;
    const key = describeSpec(b.keys[0] ?? '');
    const same = hints.find((h) => h.id === b.footer);
    if (same !== undefined) same.keys += `/${key}`;
    else hints.push({ keys: key, id: b.footer, label: t(`footer.${b.footer}`) });
  }
  return hints;
}

export interface HelpRow {
  keys: string;
  description: string;
}

/** The help of `context`: every binding that works there, with all of its keys. */
export function helpRows(context: Context): HelpRow[] {
  return BINDINGS.filter((b) => b.contexts.includes(context)).map((b) => ({
    keys: keyLabel(b, context, true),
    description: t(`key.${b.id}`),
  }));
}

/** The label of binding `id` in `context` (`Ctrl-T c` or `c`), for text that names a key. */
export function keyFor(id: string, context: Context): string {
  const b = BINDINGS.find((x) => x.id === id && x.contexts.includes(context));
  return b === undefined ? '' : keyLabel(b, context);
}

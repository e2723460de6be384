/**
 * Keys while the lesson side has the focus: plain letters drive the lesson (no prefix
 * needed), Tab gives the focus back to the shell, Ctrl-C twice quits.
 */
import { useCallback } from 'react';
import { useAppControl } from '../app/app-control.js';
import type { KeyPress } from '../keys/key-press.js';
import { useKeys } from './use-keys.js';

export type LessonCommand =
  | 'focus-shell'
  | 'next-step'
  | 'prev-step'
  | 'checkpoint'
  | 'hint'
  | 'solution'
  | 'fullscreen'
  | 'help'
  | 'scroll-up'
  | 'scroll-down'
  | `tab-${number}`
  | `answer-${number}`;

const LETTERS: Record<string, LessonCommand> = {
  n: 'next-step',
  right: 'next-step',
  p: 'prev-step',
  left: 'prev-step',
  c: 'checkpoint',
  h: 'hint',
  s: 'solution',
  f: 'fullscreen',
  '?': 'help',
  tab: 'focus-shell',
  escape: 'focus-shell',
  up: 'scroll-up',
  down: 'scroll-down',
  pageup: 'scroll-up',
  pagedown: 'scroll-down',
};

export function lessonCommandOf(key: KeyPress): LessonCommand | 'quit' | undefined {
  if (key.name === 'q' && !key.ctrl) return 'quit';
  if (/^[1-9]$/.test(key.name)) return `tab-${Number(key.name)}`;
  // Quiz answers are capital letters: A, B, C… (lower-case letters are commands).
  if (/^[A-I]$/.test(key.name)) return `answer-${key.name.charCodeAt(0) - 65}`;
  return LETTERS[key.name];
}

export function useLessonKeys(onCommand: (c: LessonCommand) => void, isActive: boolean): void {
  const app = useAppControl();
  const onKey = useCallback(
    (key: KeyPress) => {
      if (key.seq === '\x03') {
        app.ctrlC();
        return;
      }
      const command = lessonCommandOf(key);
      if (command === 'quit') app.quit();
      else if (command !== undefined) onCommand(command);
    },
    [app, onCommand],
  );
  useKeys(onKey, isActive);
}

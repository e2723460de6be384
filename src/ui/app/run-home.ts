/**
 * The home screen on its own, so `contlab` loads only what the home screen needs (no
 * terminal emulator, no lesson runner) before its first frame.
 */
import { createElement } from 'react';
import { loadCatalog } from '../lessons/catalog.js';
import { HomeScreen } from '../screens/HomeScreen.js';
import { exitCodeOf, runFullScreen, type FullScreenOptions } from './run-full-screen.js';

/** Returns what the learner chose (`start:FILE`, `present:FILE`), or the exit status. */
export async function runHome(
  options: Pick<FullScreenOptions, 'stdin' | 'stdout' | 'monochrome'> = {},
): Promise<{ code: number; choice?: string }> {
  const catalog = await loadCatalog();
  const reason = await runFullScreen(createElement(HomeScreen, { catalog }), options);
  if (reason.kind === 'quit' && reason.value !== undefined)
    return { code: 0, choice: reason.value };
  return { code: exitCodeOf(reason) };
}

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
  options: Pick<FullScreenOptions, 'stdin' | 'stdout' | 'monochrome'> & {
    /** One more line for the notice area (what the start-up sweep cleaned up). */
    notice?: string;
    /** The lessons will run in the VM: this machine's requirements do not apply. */
    vm?: boolean;
  } = {},
): Promise<{ code: number; choice?: string }> {
  const { notice, vm, ...screen } = options;
  const loaded = await loadCatalog(undefined, { hostChecks: vm !== true });
  const notices = [loaded.notice, notice].filter((n) => n !== undefined);
  const catalog = { ...loaded, notice: notices.length > 0 ? notices.join('\n') : undefined };
  const reason = await runFullScreen(createElement(HomeScreen, { catalog }), screen);
  if (reason.kind === 'quit' && reason.value !== undefined)
    return { code: 0, choice: reason.value };
  return { code: exitCodeOf(reason) };
}

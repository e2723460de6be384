/**
 * Waiting for a daemon to answer, and what to show when it never does: the last lines of
 * its log, which nearly always name the real problem (a bad config, a busy socket).
 */
import { readFileSync } from 'node:fs';
import { scaled } from '../time-scale.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitFor(
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; giveUp?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + scaled(opts.timeoutMs);
  for (;;) {
    if (await check()) return true;
    if (opts.giveUp?.() === true || Date.now() >= deadline) return false;
    await sleep(opts.intervalMs ?? 50);
  }
}

/** The last `n` non-empty lines of a log file, or a note that it cannot be read. */
export function tailLog(path: string, n = 15): string {
  try {
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    return lines.slice(-n).join('\n');
  } catch {
    return `(no log at ${path})`;
  }
}

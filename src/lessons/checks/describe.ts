/** Check results in a learner's words: what was expected, what was seen, what to do. */
import type { CheckpointResult, CheckResult } from './types.js';

/** A short label for a check: its name, or its kind and line. */
export function checkLabel(r: CheckResult): string {
  return r.check.name ?? `${r.check.kind} check (line ${r.check.pos.line})`;
}

/** One line per check: `✓ name: saw` or `✗ name: expected ...; saw ... (explain)`. */
export function describeResult(r: CheckResult, marks = { ok: '✓', fail: '✗' }): string {
  if (r.ok) return `${marks.ok} ${checkLabel(r)}: ${r.saw}`;
  const explain = r.check.explain === undefined ? '' : ` (${r.check.explain})`;
  return `${marks.fail} ${checkLabel(r)}: expected ${r.expected}; saw ${r.saw}${explain}`;
}

/** The reason a checkpoint failed, as one sentence per failing check. */
export function failureReason(result: CheckpointResult): string {
  return result.results
    .filter((r) => !r.ok)
    .map((r) => `expected ${r.expected}, but saw ${r.saw}`)
    .join('; ');
}

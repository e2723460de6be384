/** Check results in a learner's words: what was expected, what was seen, what to do. */
import { t } from '../../i18n/messages.js';
import type { CheckpointResult, CheckResult } from './types.js';

/** A short label for a check: its name, or its kind and line. */
export function checkLabel(r: CheckResult): string {
  return r.check.name ?? t('check.label', { kind: r.check.kind, line: String(r.check.pos.line) });
}

/** One line per check: `✓ name: saw` or `✗ name: expected ...; saw ... (explain)`. */
export function describeResult(r: CheckResult, marks = { ok: '✓', fail: '✗' }): string {
  if (r.ok) return `${marks.ok} ${checkLabel(r)}: ${r.saw}`;
  const explain = r.check.explain === undefined ? '' : ` (${r.check.explain})`;
  const failed = t('check.failed', {
    label: checkLabel(r),
    expected: r.expected,
    saw: r.saw,
    explain,
  });
  return `${marks.fail} ${failed}`;
}

/** The reason a checkpoint failed, as one sentence per failing check. */
export function failureReason(result: CheckpointResult): string {
  return result.results
    .filter((r) => !r.ok)
    .map((r) => t('check.reason', { expected: r.expected, saw: r.saw }))
    .join('; ');
}

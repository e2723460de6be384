/** Check results in a learner's words: what was expected, what was seen, what to do. */
import { t } from '../../i18n/messages.js';
import { say } from '../../i18n/phrase.js';
import type { CheckpointResult, CheckResult } from './types.js';

/** What the check saw, in the learner's language (its English when it came without phrases). */
export function sawText(r: CheckResult): string {
  return r.said === undefined ? r.saw : say(r.said.saw);
}

/** What the check expected, in the learner's language. */
export function expectedText(r: CheckResult): string {
  return r.said === undefined ? r.expected : say(r.said.expected);
}

/** A short label for a check: its name, or its kind and line. */
export function checkLabel(r: CheckResult): string {
  return r.check.name ?? t('check.label', { kind: r.check.kind, line: String(r.check.pos.line) });
}

/** One line per check: `✓ name: saw` or `✗ name: expected ...; saw ... (explain)`. */
export function describeResult(r: CheckResult, marks = { ok: '✓', fail: '✗' }): string {
  if (r.ok) return `${marks.ok} ${checkLabel(r)}: ${sawText(r)}`;
  const explain = r.check.explain === undefined ? '' : ` (${r.check.explain})`;
  const failed = t('check.failed', {
    label: checkLabel(r),
    expected: expectedText(r),
    saw: sawText(r),
    explain,
  });
  return `${marks.fail} ${failed}`;
}

/** The reason a checkpoint failed, as one sentence per failing check. */
export function failureReason(result: CheckpointResult): string {
  return result.results
    .filter((r) => !r.ok)
    .map((r) => t('check.reason', { expected: expectedText(r), saw: sawText(r) }))
    .join('; ');
}

/**
 * Which hint to show. Hints whose `when=` condition matches the current state of the
 * checkpoint come first (they answer the learner's actual situation); the unconditional
 * ones follow in file order, one more each time the learner asks.
 */
import type { CheckpointResult } from './checks/types.js';
import type { Hint, Step } from './format/model.js';

export function hintMatches(hint: Hint, result: CheckpointResult | undefined): boolean {
  if (hint.when.length === 0) return true;
  if (result === undefined) return false;
  return hint.when.every((cond) => {
    const r = result.results.find((x) => x.check.name === cond.check);
    return r !== undefined && r.ok === (cond.state === 'passes');
  });
}

/** The hints available now, best first. */
export function hintsFor(step: Step, result: CheckpointResult | undefined): Hint[] {
  const conditional = step.hints.filter((h) => h.when.length > 0 && hintMatches(h, result));
  const plain = step.hints.filter((h) => h.when.length === 0);
  return [...conditional, ...plain];
}

/** The hint for the `level`-th request (1 = first), staying on the last one after that. */
export function hintFor(
  step: Step,
  result: CheckpointResult | undefined,
  level: number,
): Hint | undefined {
  const hints = hintsFor(step, result);
  if (hints.length === 0) return undefined;
  return hints[Math.min(Math.max(level, 1), hints.length) - 1];
}

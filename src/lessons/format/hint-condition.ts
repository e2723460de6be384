/** Hint conditions: `when="group passes and limit fails"`, over the step's named checks. */
import type { HintCondition } from './model.js';

export function parseHintCondition(text: string): HintCondition[] | string {
  const out: HintCondition[] = [];
  for (const term of text.trim().split(/\s+and\s+/)) {
    const m = /^([a-z0-9][a-z0-9-]*)\s+(passes|fails)$/.exec(term.trim());
    if (m === null) {
      return `hint: cannot read when="${text}": write "CHECK-NAME fails" or "CHECK-NAME passes", joined by "and"`;
    }
    out.push({ check: m[1] as string, state: m[2] as 'passes' | 'fails' });
  }
  return out;
}

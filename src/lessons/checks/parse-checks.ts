/** Turns a ```checkpoint block (a YAML list of checks) into Check values, or diagnostics. */
import { distance } from '../format/blocks.js';
import { diagnostic, type Diagnostic } from '../format/diagnostic.js';
import { validate, type ParsedYaml } from '../format/yaml-block.js';
import { CHECK_KEYS, checkSchema, type CheckKey } from './schema.js';
import type { Check } from './types.js';

export function parseChecks(
  file: string,
  parsed: ParsedYaml,
): { checks?: Check[]; diagnostics: Diagnostic[] } {
  const data = parsed.data;
  if (!Array.isArray(data)) {
    return {
      diagnostics: [
        diagnostic(file, parsed.posAt([]), 'checkpoint: expected a YAML list of checks (- ...)'),
      ],
    };
  }
  if (data.length === 0) {
    return {
      diagnostics: [
        diagnostic(file, parsed.posAt([]), 'checkpoint: empty, add at least one check'),
      ],
    };
  }
  const checks: Check[] = [];
  const diagnostics: Diagnostic[] = [];
  data.forEach((item: unknown, i) => {
    const r = parseCheck(file, parsed, item, i);
    diagnostics.push(...r.diagnostics);
    if (r.check) checks.push(r.check);
  });
  diagnostics.push(...duplicateNames(file, parsed, checks));
  return diagnostics.length > 0 ? { diagnostics } : { checks, diagnostics };
}

/** Keys that a check of another kind may carry too (a process pattern, an exact value). */
const SHARED_KEYS: ReadonlySet<string> = new Set(['process']);

function parseCheck(
  file: string,
  parsed: ParsedYaml,
  item: unknown,
  i: number,
): { check?: Check; diagnostics: Diagnostic[] } {
  const at = parsed.posAt([i]);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { diagnostics: [diagnostic(file, at, `checkpoint: check ${i + 1} is not a mapping`)] };
  }
  const keys = Object.keys(item);
  const kinds = CHECK_KEYS.filter((k) => keys.includes(k));
  // `process` and a `file`/`capability`/... check may both carry a process pattern.
  const kind: CheckKey | undefined = kinds.find((k) => !SHARED_KEYS.has(k)) ?? kinds[0];
  if (kind === undefined) return { diagnostics: [noKind(file, parsed, keys, i)] };
  const others = kinds.filter((k) => k !== kind && !SHARED_KEYS.has(k));
  if (others.length > 0) {
    return {
      diagnostics: [
        diagnostic(file, at, `checkpoint: one check cannot be both "${kind}" and "${others[0]}"`),
      ],
    };
  }
  const r = validate(file, parsed, checkSchema(kind), `checkpoint (${kind})`, [i]);
  if (r.value === undefined) return { diagnostics: r.diagnostics };
  return { check: { ...r.value, pos: at }, diagnostics: [] };
}

function noKind(file: string, parsed: ParsedYaml, keys: string[], i: number): Diagnostic {
  const first = keys.find((k) => k !== 'name' && k !== 'explain' && k !== 'mode');
  if (first === undefined)
    return diagnostic(
      file,
      parsed.posAt([i]),
      `checkpoint: check ${i + 1} has no type: add one of ${CHECK_KEYS.join(', ')}`,
    );
  const close = CHECK_KEYS.find((k) => distance(first, k) <= 2);
  const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
  return diagnostic(
    file,
    parsed.posAt([i, first]),
    `checkpoint: unknown check type "${first}"${hint}; a check is one of: ${CHECK_KEYS.join(', ')}`,
  );
}

function duplicateNames(file: string, parsed: ParsedYaml, checks: Check[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  checks.forEach((c, i) => {
    if (c.name === undefined) return;
    if (seen.has(c.name))
      out.push(
        diagnostic(file, parsed.posAt([i, 'name']), `checkpoint: duplicate check name "${c.name}"`),
      );
    seen.add(c.name);
  });
  return out;
}

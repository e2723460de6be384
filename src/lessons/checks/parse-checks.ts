/** Turns a ```checkpoint block (a YAML list of checks) into Check values, or diagnostics. */
import type { z } from 'zod';
import { CAP_NAMES } from '../../engine/observer/index.js';
import { distance } from '../format/blocks.js';
import { diagnostic, type Diagnostic } from '../format/diagnostic.js';
import { validate, type ParsedYaml } from '../format/yaml-block.js';
import { CHECK_KEYS, CHECK_SCHEMAS, type CheckKey } from './schema.js';
import { parseSize } from './sizes.js';
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
  // `process` and a `file`/`capability` check may both carry a process pattern.
  const kind = kinds.find((k) => k !== 'process') ?? kinds[0];
  if (kind === undefined) {
    const first = keys.find((k) => k !== 'name' && k !== 'explain');
    if (first === undefined)
      return {
        diagnostics: [
          diagnostic(
            file,
            at,
            `checkpoint: check ${i + 1} has no type: add one of ${CHECK_KEYS.join(', ')}`,
          ),
        ],
      };
    const close = CHECK_KEYS.find((k) => distance(first, k) <= 2);
    const hint = close === undefined ? '' : ` (did you mean "${close}"?)`;
    return {
      diagnostics: [
        diagnostic(
          file,
          parsed.posAt([i, first]),
          `checkpoint: unknown check type "${first}"${hint}; a check is one of: ${CHECK_KEYS.join(', ')}`,
        ),
      ],
    };
  }
  const others = kinds.filter((k) => k !== kind && k !== 'process');
  if (others.length > 0) {
    return {
      diagnostics: [
        diagnostic(file, at, `checkpoint: one check cannot be both "${kind}" and "${others[0]}"`),
      ],
    };
  }
  const r = validate(file, parsed, CHECK_SCHEMAS[kind] as z.ZodType, `checkpoint (${kind})`, [i]);
  if (r.value === undefined) return { diagnostics: r.diagnostics };
  const check = toCheck(kind, r.value as Record<string, unknown>, at);
  if (check.kind === 'capability' && !CAP_NAMES.includes(check.capability)) {
    const where = parsed.posAt([i, 'capability']);
    const message = `checkpoint (capability): unknown capability "${check.capability.toUpperCase()}"`;
    return { diagnostics: [diagnostic(file, where, message)] };
  }
  return { check, diagnostics: [] };
}

type Fields = Record<string, unknown>;
const str = (v: unknown): string => v as string;
const num = (v: unknown): number => v as number;

function toCheck(kind: CheckKey, f: Fields, pos: { line: number; col: number }): Check {
  const base = {
    pos,
    ...(f.name === undefined ? {} : { name: str(f.name) }),
    ...(f.explain === undefined ? {} : { explain: str(f.explain) }),
  };
  const scope = f.scope as 'lab' | 'host';
  switch (kind) {
    case 'process':
      return {
        ...base,
        kind,
        match: str(f.process),
        namespaces: f.namespaces as never,
        scope,
        ...(f['in-cgroup'] === undefined ? {} : { inCgroup: str(f['in-cgroup']) }),
      };
    case 'cgroup-limit':
      return {
        ...base,
        kind,
        controller: f['cgroup-limit'] as 'memory',
        cgroup: str(f.cgroup),
        equals: parseSize(f.equals as string) ?? 0,
      };
    case 'oom-kills':
      return {
        ...base,
        kind,
        cgroup: str(f['oom-kills']),
        rose: f.rose as boolean,
        ...(f['at-least'] === undefined ? {} : { atLeast: num(f['at-least']) }),
      };
    case 'capability':
      return {
        ...base,
        kind,
        capability: normaliseCap(str(f.capability)),
        process: str(f.process),
        has: f.has as boolean,
        set: f.set as 'effective',
        scope,
      };
    case 'file':
      return {
        ...base,
        kind,
        path: str(f.file),
        exists: f.exists as boolean,
        scope,
        ...(f.process === undefined ? {} : { process: str(f.process) }),
        ...(f.contains === undefined ? {} : { contains: str(f.contains) }),
      };
    case 'mount':
      return {
        ...base,
        kind,
        target: str(f.mount),
        process: str(f.process),
        exists: f.exists as boolean,
        scope,
        ...(f.fstype === undefined ? {} : { fstype: str(f.fstype) }),
        ...(f['on-host'] === undefined ? {} : { onHost: f['on-host'] as boolean }),
      };
    case 'command':
      return {
        ...base,
        kind,
        run: str(f.command),
        exit: num(f.exit),
        timeoutSeconds: num(f.timeout),
        ...(f.output === undefined ? {} : { output: str(f.output) }),
      };
    case 'script':
      return { ...base, kind, script: str(f.script), timeoutSeconds: num(f.timeout) };
  }
}

export function normaliseCap(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith('cap_') ? lower : `cap_${lower}`;
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

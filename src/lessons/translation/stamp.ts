/**
 * `contlab translate --stamp`: writes the English hashes into a translation (the front
 * matter's and each step's `source:`), for a translator who has brought it up to date.
 * Only those lines change; a step the English does not have keeps its hash.
 */
import type { Lesson } from '../format/model.js';
import { parseTranslation } from './parse-translation.js';
import { sourceText } from './source-text.js';

/** `source` with every `source:` set to the English one; undefined when it cannot be parsed. */
/** A hash as YAML: quoted where YAML would read it as a number (905e1124, 12345678). */
function yamlHash(hash: string): string {
  return /^[0-9]*(e[0-9]+)?$/.test(hash) ? `"${hash}"` : hash;
}

export function stampTranslation(lesson: Lesson, file: string, source: string): string | undefined {
  const { translation } = parseTranslation(file, source);
  if (translation === undefined) return undefined;
  const en = sourceText(lesson);
  const lines = source.split('\n');
  // Front matter: its lines run from the second to the closing ---.
  const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  const head = lines.slice(1, end).findIndex((l) => /^source\s*:/.test(l));
  if (head >= 0) lines[head + 1] = `source: ${yamlHash(en.hash)}`;
  else lines.splice(1, 0, `source: ${yamlHash(en.hash)}`);
  const shift = head >= 0 ? 0 : 1;
  // Steps from the last one up, so inserted lines do not move the ones still to do.
  for (const step of [...translation.steps].reverse()) {
    const hash = en.steps.find((s) => s.id === step.id)?.hash;
    if (hash === undefined || step.metaPos === step.pos) continue;
    const open = step.metaPos.line - 1 + shift;
    let close = open + 1;
    while (close < lines.length && !/^\s*```\s*$/.test(lines[close] ?? '')) close++;
    const at = lines.slice(open + 1, close).findIndex((l) => /^source\s*:/.test(l));
    if (at >= 0) lines[open + 1 + at] = `source: ${yamlHash(hash)}`;
    else lines.splice(close, 0, `source: ${yamlHash(hash)}`);
  }
  return lines.join('\n');
}

/**
 * A lesson's concepts and its steps' concepts must agree: the front matter lists what the
 * lesson teaches, and each of those is taught by a step that names it (the curriculum's
 * coverage is counted per step). Steps without a ```step block name no concepts and are
 * not held to this.
 */
import { diagnostic, type Diagnostic } from '../format/diagnostic.js';
import type { Lesson } from '../format/model.js';

export function conceptMismatches(file: string, source: string, lesson: Lesson): Diagnostic[] {
  const named = new Set(lesson.steps.flatMap((s) => s.concepts));
  if (named.size === 0) return [];
  const listed = new Set(lesson.concepts);
  const out: Diagnostic[] = [];
  for (const step of lesson.steps)
    for (const id of step.concepts.filter((c) => !listed.has(c)))
      out.push(
        diagnostic(
          file,
          step.pos,
          `step ${step.number} teaches concept "${id}", which the front matter's concepts do not list: add it there`,
        ),
      );
  const line = source.split('\n').findIndex((l) => /^concepts\s*:/.test(l)) + 1;
  for (const id of lesson.concepts.filter((c) => !named.has(c)))
    out.push(
      diagnostic(
        file,
        { line: Math.max(line, 1), col: 1 },
        `concept "${id}" is listed but no step teaches it: name it in a step's \`\`\`step block (concepts: [${id}])`,
      ),
    );
  return out;
}

/**
 * The curriculum's concept IDs. The source of truth is ../shared/CURRICULUM.md next to the
 * repository; concept-ids.ts is a copy of it, so a checkout without shared/ still lints.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../engine/repo.js';
import { CURRICULUM_CONCEPTS } from './concept-ids.js';

export const curriculumPath = join(repoRoot, '..', 'shared', 'CURRICULUM.md');

export interface Concept {
  id: string;
  /** Marked "(quiz)": knowledge that a quiz verifies, not something a learner does. */
  quiz: boolean;
}

/** `- \`ns.pid\` own PID numbering...` → { id: 'ns.pid', quiz: false }, in file order. */
export function parseCurriculum(markdown: string): Concept[] {
  return [...markdown.matchAll(/^\s*[-*]\s+`([a-z0-9][a-z0-9.-]*)`(\s*\(quiz\))?/gm)].map((m) => ({
    id: m[1] as string,
    quiz: m[2] !== undefined,
  }));
}

export interface ConceptList {
  ids: Set<string>;
  concepts: Concept[];
  /** Where the list came from (CURRICULUM.md, or the built-in copy). */
  source: string;
}

export function knownConcepts(): ConceptList {
  if (existsSync(curriculumPath)) {
    const concepts = parseCurriculum(readFileSync(curriculumPath, 'utf8'));
    return { ids: new Set(concepts.map((c) => c.id)), concepts, source: curriculumPath };
  }
  const concepts = CURRICULUM_CONCEPTS.map((c) => ({ ...c }));
  return {
    ids: new Set(concepts.map((c) => c.id)),
    concepts,
    source: 'the copy of CURRICULUM.md built into contlab',
  };
}

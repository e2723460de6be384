/**
 * A lessons folder holding only the two sample lessons (copied from lessons-content), for
 * CONTLAB_LESSONS: the tests then read exactly the samples, whatever else lessons-content
 * holds at the moment (the curriculum is written in the same tree, at the same time).
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../src/engine/repo.js';

export const SAMPLES = ['90-sample-namespaces', '91-sample-cgroups'];

export function copySamples(base: string): string {
  const dir = join(base, 'lessons');
  mkdirSync(dir, { recursive: true });
  for (const name of SAMPLES)
    cpSync(join(repoRoot, 'lessons-content', name), join(dir, name), { recursive: true });
  return dir;
}

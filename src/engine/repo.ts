/** Paths inside the contlab checkout, found from this file (src/engine or dist/engine). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const nativeRuntimePath = join(repoRoot, 'native', 'build', 'contlab-runtime');
export const contlabBin = join(repoRoot, 'bin', 'contlab');
export const runtimeBin = join(repoRoot, 'bin', 'contlab-runtime');
export const lessonsContentDir = join(repoRoot, 'lessons-content');

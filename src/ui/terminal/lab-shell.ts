/** The learner's shell in the lab: bash with the lab prompt, started as the lesson run says. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../engine/repo.js';

export const LAB_BASHRC = join(repoRoot, 'src', 'ui', 'terminal', 'lab.bashrc');

/** bash arguments for an interactive lab shell (the learner's bashrc, then the lab prompt). */
export function labBashArgs(): string[] {
  return existsSync(LAB_BASHRC) ? ['--rcfile', LAB_BASHRC, '-i'] : ['-i'];
}

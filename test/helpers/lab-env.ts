/**
 * Gives a test file its own lab home and runtime directory, so tests never read or clean
 * a learner's real lab. Short paths under /tmp keep unix socket paths under 108 bytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface TempLab {
  home: string;
  run: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function makeTempLab(): TempLab {
  const base = mkdtempSync('/tmp/contlab-t-');
  const home = join(base, 'home');
  const run = join(base, 'run');
  return {
    home,
    run,
    env: { ...process.env, CONTLAB_HOME: home, CONTLAB_RUN: run, NO_COLOR: '1' },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** Points this test process's own lab (LabSession etc.) at a temp lab. */
export function useTempLab(): TempLab {
  const lab = makeTempLab();
  process.env.CONTLAB_HOME = lab.home;
  process.env.CONTLAB_RUN = lab.run;
  return lab;
}

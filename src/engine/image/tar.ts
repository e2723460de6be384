/**
 * Deterministic tar archives made with GNU tar: sorted names, every timestamp 0, owner
 * root, and pax headers whose names carry no PID. The same files therefore always give the
 * same bytes, and so the same digest, which is what makes the lab image content-addressed.
 */
import { phrase } from '../../i18n/phrase.js';
import { readdirSync } from 'node:fs';
import { LabError } from '../errors.js';
import { run } from '../exec.js';

const DETERMINISTIC = [
  '--sort=name',
  '--mtime=@0',
  '--owner=0',
  '--group=0',
  '--numeric-owner',
  '--format=posix',
  '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
];

/**
 * Archives everything inside `dir` into `out`. Entries are named without a `./` prefix
 * (bin/sh, not ./bin/sh), as docker and containerd write their own layers.
 */
export async function tarDirectory(dir: string, out: string): Promise<void> {
  const top = readdirSync(dir).sort();
  const r = await run('tar', [...DETERMINISTIC, '-C', dir, '-cf', out, '--', ...top], {
    timeoutMs: 120_000,
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (r.code !== 0) {
    const error = (r.stderr || r.spawnError || '').trim();
    throw new LabError(phrase('error.image.tar', { dir, error }), {
      remedy: phrase('error.image.tar.remedy', { command: 'apt-get install tar' }),
    });
  }
}

/**
 * The complete example in lessons-content/README.md is what instructors copy: it must lint
 * clean and pass `contlab verify --auto` on the real kernel, exactly as printed there.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { contlab } from '../helpers/cli.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from './helpers/build.js';

let lab: TempLab;
let folder: string;

beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
  const readme = readFileSync(join(repoRoot, 'lessons-content', 'README.md'), 'utf8');
  const m = /^````markdown\n([\s\S]*?)\n````$/m.exec(readme);
  if (m === null) throw new Error('lessons-content/README.md has no ````markdown example');
  folder = join(lab.home, '..', 'lessons', '42-hostname');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'lesson.md'), `${m[1]}\n`);
});
afterAll(() => lab.remove());

describe('the README example lesson', () => {
  it('lints clean', () => {
    const r = contlab(['lint', join(folder, '..')], lab.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('passes verify --auto, failing before its step, and leaves nothing behind', () => {
    const r = contlab(['verify', folder, '--auto'], lab.env);
    expect(r.stdout).toMatch(
      /✓ step 1 A name of its own: fails before, rejects 1 wrong attempt, passes after/,
    );
    expect(r.stdout).toMatch(/rejects "a UTS namespace of its own, never renamed": rename the box/);
    expect(r.code).toBe(0);
    expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
    expect(readdirSync(join(lab.home, 'sessions'))).toEqual([]);
  });
});

import { describe, expect, test, afterAll } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { contlabBin } from '../../src/engine/repo.js';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';

const lab = makeTempLab();
afterAll(() => lab.remove());

describe('contlab CLI', () => {
  test('--version prints the package version', () => {
    const r = contlab(['--version'], lab.env);
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  test('every command has --help', () => {
    for (const cmd of [
      'doctor',
      'cleanup',
      'image',
      'inspect',
      'start',
      'present',
      'monitor',
      'verify',
      'lint',
      'progress',
      'reset',
    ]) {
      const r = contlab([cmd, '--help'], lab.env);
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
      expect(r.stdout).toContain(`Usage: contlab ${cmd}`);
    }
  });

  test('an unknown subcommand is one clear message and a non-zero exit', () => {
    const r = contlab(['frobnicate'], lab.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  test('a reader that closes the pipe early ends the output quietly', () => {
    // `head -c1` closes the pipe after one byte: the rest of progress's output hits EPIPE.
    const r = spawnSync(
      'bash',
      ['-c', `"${contlabBin}" progress | head -c1 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`],
      { env: lab.env, encoding: 'utf8' },
    );
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toContain('status 0');
  });

  test('an unknown flag is one clear message and a non-zero exit', () => {
    const r = contlab(['doctor', '--frobnicate'], lab.env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  test('CONTLAB_HOME pointing at a file is refused before anything is created', () => {
    const file = `${lab.home}-file`;
    writeFileSync(file, 'not a directory');
    const r = contlab(['cleanup'], { ...lab.env, CONTLAB_HOME: file });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} exists but is not a directory`);
    expect(r.stderr).toContain('remedy:');
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('not a directory');
  });
});

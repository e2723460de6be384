/**
 * contlab run by a user who is not root (nobody, through setpriv): `contlab cleanup` says it
 * needs root, with the command to run, when there are lab resources only root can remove
 * (instead of "nothing to clean up"); `contlab doctor` does not end by saying every lesson
 * can run, since every lesson needs root.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { labHierarchies, makeCgroupDir } from '../../src/engine/cgroupfs.js';
import { contlabBin } from '../../src/engine/repo.js';
import { removeCgroupTree } from '../../src/engine/removers.js';
import { removeEmptyLabParents } from '../../src/engine/session.js';
import { hasStackTrace } from '../helpers/cli.js';

const NOBODY = 65534;
const base = mkdtempSync('/tmp/contlab-nr-');
chmodSync(base, 0o755);
// nobody's own home (for ~/.local/share/contlab), and a lab home that is root's.
const nobodyHome = join(base, 'nobody');
mkdirSync(nobodyHome);
chownSync(nobodyHome, NOBODY, NOBODY);
const rootHome = join(base, 'root-home');
mkdirSync(rootHome);

afterAll(() => rmSync(base, { recursive: true, force: true }));

function asNobody(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(
    'setpriv',
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      'env',
      '-i',
      `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
      `HOME=${nobodyHome}`,
      'NO_COLOR=1',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      process.execPath,
      contlabBin,
      ...args,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('contlab without root', () => {
  test("cleanup with a lab home that is root's says it needs root, with the command", () => {
    const r = asNobody(['cleanup'], { CONTLAB_HOME: rootHome });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('nothing to clean up');
    expect(r.stderr).toContain(
      `contlab: cleanup needs root: the lab home ${rootHome} belongs to root`,
    );
    expect(r.stderr).toContain(`remedy: sudo CONTLAB_HOME=${rootHome} contlab cleanup`);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  test('cleanup with root-owned lab cgroups on the host says it needs root', async () => {
    const rel = `contlab/test-not-root-${process.pid}`;
    const dirs = labHierarchies().map((h) => makeCgroupDir(h, rel));
    try {
      const r = asNobody(['cleanup']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /contlab: cleanup needs root: .*lab cgroups under \/sys\/fs\/cgroup\//,
      );
      expect(r.stderr).toContain('remedy: sudo contlab cleanup');
      expect(r.stdout).toBe('');
    } finally {
      for (const d of dirs) await removeCgroupTree(d);
      removeEmptyLabParents();
    }
  });

  test('doctor does not end with "this host can run every lesson"', () => {
    const r = asNobody(['doctor']);
    const last = r.stdout.trim().split('\n').pop() ?? '';
    expect(last).not.toContain('this host can run every lesson');
    expect(last).toMatch(/not root: every lesson needs root/);
    const json = JSON.parse(asNobody(['doctor', '--json']).stdout) as {
      verdict: { status: string; text: string };
    };
    expect(json.verdict.status).not.toBe('ok');
  });
});

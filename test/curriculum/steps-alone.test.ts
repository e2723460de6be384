/**
 * Every step is safe to open on its own: `contlab verify --all --alone` opens each step of
 * every lesson in a fresh lab and shell, runs its setup (or its guard refuses) and types its
 * commands, and the host's mount table, cgroup tree and interfaces are unchanged outside the
 * lab (and altogether once it closed). A step that mounts on the host is caught (the first
 * edition's volumes step did, on /merged/data).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

interface AloneReport {
  lesson: string;
  ok: boolean;
  unmet: string[];
  steps: {
    number: number;
    ok: boolean;
    refused?: string;
    changes: string[];
    leftovers: string[];
  }[];
}

const BUDGET_MS = 10 * 60_000;

let lab: TempLab;
beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
});
afterAll(() => {
  contlab(['cleanup'], lab.env);
  lab.remove();
});

function parse(stdout: string): AloneReport[] {
  const parsed = JSON.parse(stdout) as AloneReport | AloneReport[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

describe('contlab verify --alone', () => {
  it(
    'every step of every lesson leaves the host unchanged when opened on its own',
    () => {
      const r = contlab(['verify', '--all', '--alone', '--json'], lab.env, BUDGET_MS);
      expect(hasStackTrace(r.stderr)).toBe(false);
      const reports = parse(r.stdout);
      for (const id of ['process', 'chroot', 'namespaces', 'cgroups', 'storage', 'docker'])
        expect(reports.map((x) => x.lesson)).toContain(id);
      const bad = reports.flatMap((x) => [
        ...x.unmet.map((u) => `${x.lesson}: unmet: ${u}`),
        ...x.steps
          .filter((s) => !s.ok)
          .map((s) => `${x.lesson} step ${s.number}: ${[...s.changes, ...s.leftovers].join('; ')}`),
      ]);
      expect(bad).toEqual([]);
      expect(r.code).toBe(0);
      // Some steps cannot be rebuilt (a nested shell of an earlier step): they refuse, saying so.
      const refused = reports.flatMap((x) => x.steps.filter((s) => s.refused !== undefined));
      for (const s of refused) expect(s.refused).toMatch(/step \d/);
      expect(readdirSync(join(lab.home, 'sessions'))).toEqual([]);
    },
    BUDGET_MS + 60_000,
  );

  it('a step that mounts on the host is caught, while open and after closing', () => {
    // A folder of the host's, outside every lab (no "contlab" in its path).
    const target = mkdtempSync('/tmp/unsafe-step-');
    const lessons = join(lab.home, '..', 'unsafe-lessons');
    mkdirSync(join(lessons, '01-unsafe'), { recursive: true });
    writeFileSync(
      join(lessons, '01-unsafe', 'lesson.md'),
      [
        '---',
        'id: unsafe',
        'title: unsafe',
        'summary: A step that mounts on the host.',
        'minutes: 1',
        'requirements:',
        '  root: true',
        'concepts: [ns.mnt]',
        '---',
        '',
        '## Step: Mount without a namespace',
        '',
        '```sh',
        `mount -t tmpfs unsafe-tmpfs ${target}`,
        '```',
        '',
        '```checkpoint',
        '- script: "false"',
        '  explain: never',
        '```',
        '',
      ].join('\n'),
    );
    try {
      const r = contlab(['verify', 'unsafe', '--alone', '--json'], {
        ...lab.env,
        CONTLAB_LESSONS: lessons,
      });
      const [report] = parse(r.stdout);
      expect(r.code).toBe(1);
      expect(report?.ok).toBe(false);
      expect(report?.steps[0]?.changes).toContain(`+ mounts: ${target} tmpfs unsafe-tmpfs`);
      expect(report?.steps[0]?.leftovers).toContain(`+ mounts: ${target} tmpfs unsafe-tmpfs`);
      const text = contlab(['verify', 'unsafe', '--alone'], {
        ...lab.env,
        CONTLAB_LESSONS: lessons,
      });
      expect(text.stdout).toMatch(/✗ step 1 Mount without a namespace: it changed the host/);
      expect(text.stdout).toMatch(/while open: \+ mounts: \S+ tmpfs unsafe-tmpfs \(stacked 2\)/);
    } finally {
      // The step did mount on the host (twice): undo what this test made it do.
      while (spawnSync('umount', [target]).status === 0);
      rmSync(target, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * The whole curriculum, end to end on the real kernel: `contlab verify --all --auto` plays
 * every lesson in a fresh lab (each checkpoint must fail before its step, reject every wrong
 * attempt the step lists, and pass after it),
 * within the time budget, and leaves nothing behind: no journal, session folder, cgroup,
 * mount, process, interface, or file in the daemons' default host folders.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { labCgroupDirs, mountsBelow, pidsMentioning } from '../helpers/daemons.js';
import { linkExists } from '../helpers/host.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

/** The budget is 10 minutes on 2 cores; the whole run must fit in it. */
const BUDGET_MS = 10 * 60_000;

interface StepReport {
  number: number;
  ok: boolean;
  problem?: string;
  transcript?: string;
  before?: { ok: boolean };
  after?: { ok: boolean; results?: { ok: boolean; saw?: string; check?: { name?: string } }[] };
  wrong?: { title: string; rejected: boolean }[];
}

interface LessonReport {
  lesson: string;
  ok: boolean;
  session?: string;
  unmet: string[];
  steps: StepReport[];
  cleanupErrors: string[];
  ms: number;
}

/** Interfaces the lessons create inside their own namespaces; none may appear on the host. */
const LESSON_LINKS = [
  'contlab0',
  'contlab-h1',
  'contlab-h2',
  'contlab-up',
  'contlab-out',
  'contlab-a',
  'contlab-b',
  'contlab-br0',
  'contlab-c1',
  'contlab-c1p',
  'contlab-c2',
  'contlab-c2p',
];

/** Host folders containerd, runc and dockerd use by default: the run may add nothing there. */
const DEFAULT_DIRS = [
  '/run/containerd/fifo',
  '/run/containerd/s',
  '/run/containerd/runc',
  '/run/runc',
  '/run/contlab-runtime',
  '/run/docker',
];

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).map((e) => join(dir, e));
  } catch {
    return [];
  }
}

/** A live lab's containerd namespace folder (/run/containerd/runc/contlab-<its pid>). */
function liveLabNamespace(entry: string): boolean {
  const m = /\/runc\/contlab-(\d+)$/.exec(entry);
  return m !== null && existsSync(`/proc/${m[1]}`);
}

/**
 * What is in the default folders. The runc root holds one folder per containerd namespace,
 * the lab's being contlab-<pid>; another test's lab may be running at the same time: its
 * folder is not this run's leftover.
 */
function snapshot(): Set<string> {
  return new Set(DEFAULT_DIRS.flatMap(entries).filter((e) => !liveLabNamespace(e)));
}

let lab: TempLab;
let before: Set<string>;

beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
  before = snapshot();
});

afterAll(() => {
  contlab(['cleanup'], lab.env);
  lab.remove();
});

describe('contlab verify --all --auto', () => {
  it(
    'plays every lesson, proves every checkpoint, and leaves nothing behind',
    () => {
      const started = Date.now();
      const r = contlab(['verify', '--all', '--auto', '--json'], lab.env, BUDGET_MS);
      const elapsed = Date.now() - started;
      expect(hasStackTrace(r.stderr)).toBe(false);
      const parsed = JSON.parse(r.stdout) as LessonReport | LessonReport[];
      const reports = Array.isArray(parsed) ? parsed : [parsed];

      // Every curriculum lesson ran, none was skipped for unmet requirements.
      const ids = reports.map((x) => x.lesson);
      for (const id of [
        'process',
        'chroot',
        'namespaces',
        'cgroups',
        'capabilities',
        'storage',
        'by-hand',
        'runc',
        'containerd',
        'docker',
        'networking',
        'images',
      ])
        expect(ids).toContain(id);

      const failures = reports.flatMap((x) => [
        ...x.unmet.map((u) => `${x.lesson}: unmet: ${u}`),
        ...x.steps
          .filter((s) => !s.ok)
          .map((s) => `${x.lesson} step ${s.number}: ${s.problem ?? 'failed'}`),
        ...x.cleanupErrors.map((e) => `${x.lesson}: cleanup: ${e}`),
      ]);
      // What a failing step's shell showed and which checks failed, for whoever reads the log.
      for (const x of reports)
        for (const st of x.steps.filter((y) => !y.ok))
          process.stderr.write(
            `${x.lesson} step ${st.number}: ${st.problem ?? 'failed'}\n` +
              (st.after?.results ?? [])
                .filter((c) => !c.ok)
                .map((c) => `  ✗ ${c.check?.name ?? '?'}: ${c.saw ?? ''}\n`)
                .join('') +
              (st.transcript ?? '').replace(/^/gm, '  | ') +
              '\n',
          );
      expect(failures).toEqual([]);
      expect(reports.every((x) => x.ok)).toBe(true);
      expect(r.code).toBe(0);
      // A checkpoint that passed before its step would have failed the lesson; check anyway.
      for (const x of reports)
        for (const s of x.steps) if (s.before !== undefined) expect(s.before.ok).toBe(false);
      // Every checkpoint was shown at least one wrong attempt, and rejected each one.
      for (const x of reports)
        for (const s of x.steps)
          if (s.after !== undefined) {
            expect({ step: `${x.lesson} ${s.number}`, tried: (s.wrong ?? []).length > 0 }).toEqual({
              step: `${x.lesson} ${s.number}`,
              tried: true,
            });
            for (const w of s.wrong ?? []) expect(w).toMatchObject({ rejected: true });
          }
      expect(elapsed).toBeLessThan(BUDGET_MS);

      // Nothing left: the lab's own records and everything on the host.
      expect(entries(join(lab.home, 'journal'))).toEqual([]);
      expect(entries(join(lab.home, 'sessions'))).toEqual([]);
      for (const x of reports) if (x.session) expect(labCgroupDirs(x.session)).toEqual([]);
      expect(mountsBelow(lab.home)).toEqual([]);
      expect(mountsBelow(lab.run)).toEqual([]);
      expect(pidsMentioning(lab.home)).toEqual([]);
      expect(pidsMentioning(lab.run)).toEqual([]);
      expect(LESSON_LINKS.filter((l) => linkExists(l))).toEqual([]);
      expect([...snapshot()].filter((e) => !before.has(e))).toEqual([]);
      expect(existsSync('/etc/contlab-test')).toBe(false);
      // No sleep from a lesson outlived its lab (the lessons use numbers 3600 to 4799), and
      // no docker-proxy a lesson started (by hand in 10-networking, or by the lab dockerd).
      const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
      expect(
        ps.split('\n').filter((l) => /^\/?(bin\/)?sleep (3[6-9]|4[0-7])\d\d$/.test(l)),
      ).toEqual([]);
      expect(
        ps
          .split('\n')
          .filter((l) => /docker-proxy .*-container-ip (10\.99\.|172\.30\.0\.)/.test(l)),
      ).toEqual([]);
    },
    BUDGET_MS + 60_000,
  );
});

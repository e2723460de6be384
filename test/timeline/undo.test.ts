/**
 * Undo of a step on the real kernel, as the player does it (LabTimeline.undo, what Ctrl-T u
 * calls): for every step of lessons 02, 03 and 06, the step is entered, a look at the lab is
 * taken, the step's demo commands are typed into the learner's bash, the step is undone, and
 * the lab must look as it did when the step began (its processes, cgroups and their limits,
 * its mount namespaces' mounts and the lab's mounts on the host, its network namespaces'
 * interfaces, the lab's interfaces on the host). Each step is played once: the next step
 * begins where the undo left the lab.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { readLabState } from '../../src/engine/timeline/lab-state.js';
import type { LabState } from '../../src/engine/timeline/types.js';
import { repoRoot } from '../../src/engine/repo.js';
import { demoLines } from '../../src/lessons/runner/verify-auto.js';
import { LessonRun } from '../../src/lessons/index.js';
import { describeEntry, nextEntry, openTimelineLab, type TimelineLab } from './lab-shell.js';

let t: TimelineLab | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** What the test compares: the lab's kernel objects, without PIDs and namespace numbers. */
function shape(s: LabState, dirs: string[]): Record<string, string[]> {
  const cmd = new Map(s.processes.map((p) => [p.pid, p.args.join(' ') || p.comm]));
  const sorted = (xs: string[]): string[] => [...xs].sort();
  return {
    processes: sorted([...cmd.values()]),
    cgroups: sorted(
      s.cgroups.map(
        (c) =>
          `${c.hierarchy}:${c.path} ${JSON.stringify(Object.entries(c.limits).sort())} [${sorted(c.procs.map((p) => cmd.get(p) ?? '?')).join(', ')}]`,
      ),
    ),
    hostMounts: sorted(
      (s.mountNamespaces.find((n) => n.host)?.mounts ?? [])
        .filter((m) => dirs.some((d) => m.mountPoint === d || m.mountPoint.startsWith(`${d}/`)))
        .map((m) => `${m.mountPoint} ${m.fstype} ${m.source} ${m.propagation}`),
    ),
    mountNamespaces: sorted(
      s.mountNamespaces
        .filter((n) => !n.host)
        .map((n) =>
          sorted(n.mounts.map((m) => `${m.mountPoint} ${m.fstype} ${m.propagation}`)).join('; '),
        ),
    ),
    netns: sorted(s.netns.filter((n) => !n.host && n.pid !== null).map((n) => n.devices.join(','))),
    hostLinks: sorted(
      s.netns.find((n) => n.host)?.devices.filter((d) => d.startsWith('contlab')) ?? [],
    ),
  };
}

type Shape = Record<string, string[]>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function lookAt(run: LessonRun): Promise<Shape> {
  const scope = run.scope;
  return shape(await readLabState(scope), scope.dirs);
}

const same = (a: Shape, b: Shape): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * A look once the lab is still (two looks alike, or `want` seen): a setup's processes may be
 * between fork and exec, the shell's prompt hooks (pyenv) may be running.
 */
async function settled(run: LessonRun, want?: Shape): Promise<Shape> {
  let last = await lookAt(run);
  const deadline = Date.now() + 8_000;
  while (Date.now() < deadline) {
    if (want !== undefined && same(last, want)) return last;
    await sleep(200);
    const now = await lookAt(run);
    if (want === undefined && same(now, last)) return now;
    last = now;
  }
  return last;
}

/**
 * Types a demo line and waits for its timeline entry; in a shell that marks nothing (busybox
 * sh in the container's root) a line that changes nothing makes none: then until the
 * terminal has been quiet a moment.
 */
async function type(lab: TimelineLab, line: string, ms: number): Promise<string> {
  const entry = nextEntry(lab.lab, line, ms).then(describeEntry, (err: unknown) => String(err));
  let lastOutput = Date.now();
  const off = lab.shell.onData(() => (lastOutput = Date.now()));
  const quiet = (async (): Promise<string> => {
    const deadline = Date.now() + ms;
    await sleep(300);
    while (Date.now() - lastOutput < QUIET_MS && Date.now() < deadline) await sleep(100);
    // The entry of a command that changed something comes a moment after the prompt.
    await sleep(QUIET_MS);
    return `$ ${line} (no entry: the shell marks nothing and nothing changed)`;
  })();
  lab.shell.write(`${line}\r`);
  try {
    return await Promise.race([entry, quiet]);
  } finally {
    off();
  }
}

const QUIET_MS = 1_500;

const LESSONS = ['namespaces', 'cgroups', 'by-hand'];

describe('undo of a step', () => {
  for (const id of LESSONS)
    it(`leaves the kernel as each step of ${id} found it`, async () => {
      let run: LessonRun | undefined;
      t = await openTimelineLab(id, join(repoRoot, 'lessons-content'), (r) => (run = r));
      const lab = t;
      if (run === undefined) throw new Error('no lesson run');
      const failures: string[] = [];
      for (const step of lab.lab.lesson.steps) {
        await lab.lab.run.enter(step.number);
        const before = await settled(run);
        const typed: string[] = [];
        for (const block of step.demo)
          for (const line of demoLines(block.text))
            typed.push(await type(lab, line, Math.min(step.commandTimeout, 20) * 1000));
        const undo = await lab.lab.timeline.undo();
        const after = await settled(run, before);
        try {
          expect(after).toEqual(before);
        } catch (err) {
          failures.push(
            `step ${step.number} (${step.id}):\n${String(err)}\nundo: ${JSON.stringify(undo.undone)} ${JSON.stringify(undo.errors)}\n${typed.join('\n')}`,
          );
        }
      }
      expect(failures).toEqual([]);
    }, 180_000);
});

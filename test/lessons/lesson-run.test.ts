/**
 * The player API (LessonRun) on the real kernel, driven like the TUI drives it: a real bash
 * in the lab types the learner's commands; the background watcher notices the pass without
 * a key press; hints follow the learner's actual state; the solution is gated; quiz answers,
 * skips and the resume point land in the progress file. A player killed with SIGKILL leaves
 * its lab to its supervisor, which removes all of it (`contlab cleanup` waits for it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import {
  LessonRun,
  ProgressStore,
  loadLesson,
  resumeStep,
  summarise,
  type CheckpointResult,
} from '../../src/lessons/index.js';
import { contlab, type CliResult } from '../helpers/cli.js';
import { labCgroupDirs, sigkill, startReadyScript } from '../helpers/daemons.js';
import { processExists } from '../helpers/host.js';
import { useTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from './helpers/build.js';
import { copySamples } from './helpers/samples.js';

let lab: TempLab;
beforeAll(() => {
  ensureBuilt();
  lab = useTempLab();
  // loadLesson here and in the child player reads the samples only
  process.env.CONTLAB_LESSONS = copySamples(join(lab.home, '..'));
  lab.env.CONTLAB_LESSONS = process.env.CONTLAB_LESSONS;
});
afterAll(() => {
  delete process.env.CONTLAB_LESSONS;
  lab.remove();
});

/** A learner's bash in the lab, reading commands from a pipe. */
class Learner {
  private constructor(readonly child: ChildProcessWithoutNullStreams) {}

  static async start(run: LessonRun): Promise<Learner> {
    const cmd = run.shellCommand('bash', ['-s']);
    const child = spawn(cmd.file, cmd.args, { env: cmd.env, cwd: cmd.cwd });
    await run.recordProcess(child.pid as number);
    return new Learner(child);
  }

  /** Types a command and waits until the shell has run it. */
  async type(line: string): Promise<void> {
    const marker = `done-${Math.random().toString(36).slice(2)}`;
    const seen = new Promise<void>((resolve) => {
      const onData = (d: Buffer): void => {
        if (!d.toString().includes(marker)) return;
        this.child.stdout.off('data', onData);
        resolve();
      };
      this.child.stdout.on('data', onData);
    });
    this.child.stdin.write(`${line}\necho ${marker}\n`);
    await seen;
  }
}

const waitFor = <T>(subscribe: (resolve: (v: T) => void) => () => void, ms: number): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
    const off = subscribe((v) => {
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });

describe('LessonRun on sample-cgroups', () => {
  it('plays a step the way the player does', async () => {
    const lesson = loadLesson('sample-cgroups');
    const store = new ProgressStore(join(lab.home, 'progress.json'));
    const run = await LessonRun.open(lesson, { store, intervalMs: 250 });
    const session = run.lab.session.id;
    try {
      const learner = await Learner.start(run);
      const step = await run.resume();
      expect(step.id).toBe('limit');
      expect(store.load().progress.lessons['sample-cgroups']?.currentStep).toBe('limit');

      // Nothing done yet: the checkpoint fails and says why; no solution before a hint.
      const first = (await run.check()) as CheckpointResult;
      expect(first.ok).toBe(false);
      expect(first.results.find((r) => r.check.name === 'limit')?.saw).toMatch(/does not exist/);
      expect(() => run.solution()).toThrow(/after you asked for a hint/);

      // The hint matches the state: the group does not exist yet.
      expect((await run.hint())?.text).toMatch(/A cgroup is made with `mkdir`/);
      expect(
        run
          .solution()
          .map((b) => b.text)
          .join('\n'),
      ).toMatch(/echo 64M/);

      // The learner makes the group: the next hint is about the limit.
      await learner.type('mkdir "$LAB_CGROUP_MEMORY/demo"');
      expect((await run.hint())?.text).toMatch(/The group exists/);

      // Setting the limit is noticed in the background, without check().
      const passed = waitFor<{ step: { id: string } }>((r) => run.on('pass', r), 10_000);
      await learner.type('echo 64M > "$LAB_CGROUP_MEMORY/demo/$LAB_MEMORY_MAX"');
      expect((await passed).step.id).toBe('limit');
      const done = store.load().progress.lessons['sample-cgroups']?.steps.limit;
      expect(done?.completedAt).toBeDefined();
      expect(done?.checkpointPassedAt).toBeDefined();

      // The quiz: a wrong answer is explained, then the right one.
      expect(run.answerQuiz(0, 0)).toMatchObject({ correct: false, explain: /v1 name/ });
      expect(run.answerQuiz(0, 1)).toMatchObject({ correct: true });

      // Jump to step 3 and skip it: the resume point stays on the skipped step.
      await run.enter(3);
      expect(await run.skip()).toBeUndefined();
      const progress = store.load().progress;
      expect(summarise(progress, lesson)).toMatchObject({ done: 1, skipped: 1, quizCorrect: 1 });
      expect(resumeStep(progress, lesson).id).toBe('pids');
      learner.child.stdin.end();
    } finally {
      const report = await run.close();
      expect(report.errors).toEqual([]);
    }
    expect(labCgroupDirs(session)).toEqual([]);
    expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
  });

  it('refuses to enter a step that does not exist', async () => {
    const run = await LessonRun.open(loadLesson('sample-cgroups'), {
      store: new ProgressStore(join(lab.home, 'progress-2.json')),
    });
    try {
      await expect(run.enter(9)).rejects.toThrow(/has no step 9/);
    } finally {
      await run.close();
    }
  });
});

describe('a running player, then killed with SIGKILL', () => {
  it('verify checks its lab, reset redoes a step in it, and cleanup removes all of it after the kill', async () => {
    const { child, ready } = await startReadyScript<{
      session: string;
      memory: string;
      shell: number;
    }>(join(repoRoot, 'test', 'lessons', 'fixtures', 'lesson-run-child.mjs'), {
      ...lab.env,
      CONTLAB_HOME: lab.home,
      CONTLAB_RUN: lab.run,
    });
    let cleaned: CliResult = { code: -1, stdout: '', stderr: '' };
    try {
      expect(existsSync(join(ready.memory, 'demo'))).toBe(true); // step 2's setup ran
      expect(processExists(ready.shell)).toBe(true);

      // While it runs, `contlab verify` (no --auto) checks the learner's state in that lab.
      const pass = contlab(['verify', 'sample-cgroups', '--step', '1'], lab.env);
      expect(pass.stdout).toMatch(/✓ limit: .* = 64 MiB/);
      expect(pass.stdout).toMatch(/the checkpoint passes/);
      expect(pass.code).toBe(0);
      const stored = new ProgressStore(join(lab.home, 'progress.json')).load().progress;
      expect(stored.lessons['sample-cgroups']?.steps.limit?.checkpointPassedAt).toBeDefined();
      // without --step: the step the learner is on (2, the OOM step), which fails for now
      const open = contlab(['verify', 'sample-cgroups'], lab.env);
      expect(open.code).toBe(1);
      expect(open.stdout).toMatch(/step 2 Meet the OOM killer/);
      expect(open.stdout).toMatch(
        /✗ killed: expected oom_kill count of cgroup demo above 0.*; saw oom_kill 0/,
      );

      // `contlab reset LESSON STEP` runs the step's setup again in the running lab.
      rmdirSync(join(ready.memory, 'demo'));
      const reset = contlab(['reset', 'sample-cgroups', '2'], lab.env);
      expect(reset.code).toBe(0);
      expect(reset.stdout).toMatch(new RegExp(`reset the running lab ${ready.session}`));
      expect(existsSync(join(ready.memory, 'demo'))).toBe(true);
    } finally {
      // Whatever failed above, the player dies here (a live child would keep jest waiting)
      // and its lab is cleaned up, as a learner would after a crash.
      await sigkill(child);
      cleaned = contlab(['cleanup'], lab.env);
    }
    const r = cleaned;
    expect(r.code).toBe(0);
    // The supervisor did the work as soon as the player died (cleanup waited for it).
    expect(readFileSync(join(lab.home, 'supervise.log'), 'utf8')).toMatch(
      new RegExp(`removed cgroup .*contlab/${ready.session}`),
    );
    expect(labCgroupDirs(ready.session)).toEqual([]);
    expect(existsSync(join(lab.home, 'sessions', ready.session))).toBe(false);
    expect(processExists(ready.shell)).toBe(false);
    expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
  });
});

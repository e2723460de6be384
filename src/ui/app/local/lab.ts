/**
 * The lab of a lesson on this machine, as a LabConnection: the lesson run (src/lessons) with
 * its lab session, the learner's shells in ptys inside the lab's cgroup (each journaled, so
 * cleanup ends it even after kill -9), and the observer's sampler. What the learner does in
 * the shell and what the sampler sees of the lab make the checkpoint look again.
 */
import { TypedEmitter } from '../../../engine/observer/index.js';
import { LessonRun, type Lesson } from '../../lessons/lessons-api.js';
import { labBashArgs } from '../../terminal/lab-shell.js';
import type {
  EnteredStep,
  LabConnection,
  LabShell,
  LessonControl,
  LessonEvents,
  StepMark,
} from '../lab-connection.js';
import { ShellActivity } from './activity.js';
import { LocalObserver } from './observer.js';
import { spawnLocalShell } from './shell.js';
import { LocalTimeline } from './timeline.js';
import { startupMark } from '../../../engine/startup-marks.js';

function controlOf(run: LessonRun, events: TypedEmitter<LessonEvents>): LessonControl {
  const entered = (step: EnteredStep['step']): EnteredStep => ({ step, latest: run.latest });
  run.on('notice', (message) => events.emit('notice', message));
  run.on('result', ({ step, result }) => events.emit('result', { stepId: step.id, result }));
  run.on('pass', ({ step, result }) => events.emit('pass', { stepId: step.id, result }));
  return {
    on: (event, listener) => events.on(event, listener),
    resume: async () => entered(await run.resume()),
    enter: async (n) => entered(await run.enter(n)),
    check: () => run.check(),
    hint: () => run.hint(),
    solution: async () => run.solution(),
    answerQuiz: async (quiz, choice) => run.answerQuiz(quiz, choice),
    marks: async () => {
      const lp = run.store.load().progress.lessons[run.lesson.id];
      return run.lesson.steps.map((s): StepMark => {
        const sp = lp?.steps[s.id];
        if (sp?.completedAt !== undefined) return 'done';
        return sp?.skipped === true ? 'skipped' : 'todo';
      });
    },
  };
}

/**
 * Opens the lesson's lab (LabError when this host cannot run it) and starts observing it.
 * `onRun` sees the lesson run itself (classroom mode reports its events).
 */
export async function openLocalLab(
  lesson: Lesson,
  options: { onRun?: (run: LessonRun) => void } = {},
): Promise<LabConnection> {
  // Early: the lab's rootfs is written while the shell starts and the first frame is drawn.
  const run = await LessonRun.open(lesson, { early: true });
  startupMark('lab session');
  options.onRun?.(run);
  const observer = new LocalObserver({ cgroupPath: run.lab.context.cgroupBase });
  const activity = new ShellActivity();
  const shells = new Set<LabShell>();
  activity.on(() => observer.activity());
  // The checkpoint is looked at again when the kernel or the shell says something changed,
  // not every second: an idle lesson costs (next to) nothing.
  run.watchLive({
    changes: (onChange) => {
      const offs = [observer.onLabChange(onChange), activity.on(onChange)];
      return () => {
        for (const off of offs) off();
      };
    },
    processes: () => observer.processes(),
  });
  const events = new TypedEmitter<LessonEvents>();
  let timeline: LocalTimeline;
  // The observer's first look at /proc (tens of ms on a busy host) overlaps the timeline's
  // and the shell's start: the panels fill in when it is done, the frame does not wait.
  observer
    .start()
    .catch((err: unknown) =>
      events.emit(
        'notice',
        `the live panels could not look at the kernel: ${(err as Error).message}`,
      ),
    );
  try {
    timeline = await LocalTimeline.open({
      run,
      knownNamespaces: () => observer.namespaceInodes(),
      notice: (message) => events.emit('notice', message),
    });
  } catch (err) {
    observer.stop();
    await run.close();
    throw err;
  }

  startupMark('timeline');
  const openShell = (cols: number, rows: number): LabShell => {
    const command = run.shellCommand('bash', labBashArgs());
    const shell = timeline.follow(spawnLocalShell({ ...command, cols, rows }));
    startupMark('shell started');
    shells.add(shell);
    shell.onExit(() => shells.delete(shell));
    if (shell.pid !== undefined) void run.recordProcess(shell.pid, { shell: true });
    observer.setShell(shell.pid);
    shell.onData(() => activity.output());
    return {
      ...shell,
      write: (data) => {
        shell.write(data);
        activity.typed(data);
      },
    };
  };

  let closing: Promise<void> | undefined;
  return {
    lesson,
    run: controlOf(run, events),
    observer,
    timeline,
    openShell,
    close: () =>
      (closing ??= (async () => {
        observer.stop();
        timeline.close();
        await Promise.all([...shells].map((s) => s.kill()));
        const report = await run.close();
        for (const e of report.errors) process.stderr.write(`contlab: could not remove ${e}\n`);
      })()),
  };
}

/**
 * The full-screen screens, ready for the CLI to call. Each returns the exit status the
 * process should end with (0, or 128 + the signal that ended it), after the terminal was
 * restored and everything the screen started (the lab session, the shell) was removed.
 * (The home screen alone is in src/ui/screens/run-home.ts: it loads less.)
 */
import type { FullScreenOptions } from '../../ui/app/run-full-screen.js';
import { LessonRun, type Lesson } from '../../ui/lessons/lessons-api.js';
import { removePosition, writePosition } from '../../ui/state/present-link.js';
import { LiveKernel } from '../../ui/state/live-kernel.js';
import { PlayerStore } from '../../ui/state/player-store.js';
import { EmbeddedTerminal, type ShellCommand } from '../../ui/terminal/embedded-terminal.js';
import { labBashArgs } from '../../ui/terminal/lab-shell.js';

type Screens = typeof import('../../ui/app/screens.js');
let screens: Promise<Screens> | undefined;

/**
 * Ink, React and the screens, loaded once. Started as soon as the lab shell is spawned, the
 * load overlaps the shell's own start-up and the first look at the kernel.
 */
function loadScreens(): Promise<Screens> {
  screens ??= import('../../ui/app/screens.js');
  return screens;
}

/** The screens for an open stage; the stage is closed when they cannot be loaded. */
async function screensFor(stage: LessonStage): Promise<Screens> {
  try {
    return await loadScreens();
  } catch (err) {
    await stage.close();
    throw err;
  }
}

export interface ShellOptions {
  /** The shell's working directory (default: the current one). */
  cwd?: string;
  /** The shell's environment: the lab session's (default: this process's). */
  env?: NodeJS.ProcessEnv;
  shell?: ShellCommand;
  /** Called with each shell's PID, so the lab session can record it. */
  onShellSpawn?: (pid: number) => void;
}

export interface ScreenOptions extends Pick<FullScreenOptions, 'stdin' | 'stdout' | 'monochrome'> {
  /** The lab session's close: runs once, after the terminal is restored. */
  onShutdown?: () => Promise<void>;
}

function newTerminal(
  options: ShellOptions,
  stdout: NodeJS.WriteStream,
  onSpawn?: (pid: number) => void,
): EmbeddedTerminal {
  return new EmbeddedTerminal({
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    cols: stdout.columns || 80,
    rows: Math.max(1, (stdout.rows || 24) - 3),
    shell: options.shell,
    onSpawn: (pid) => {
      options.onShellSpawn?.(pid);
      onSpawn?.(pid);
    },
  });
}

/** A lab shell filling the screen (the embedded terminal alone). */
export async function runShellScreen(options: ShellOptions & ScreenOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const terminal = newTerminal(options, stdout);
  const { createElement, exitCodeOf, runFullScreen, ShellScreen } = await loadScreens();
  const reason = await runFullScreen(createElement(ShellScreen, { terminal }), {
    ...options,
    onShutdown: async () => {
      await terminal.dispose();
      await options.onShutdown?.();
    },
  });
  return exitCodeOf(reason);
}

/** A lesson's lab, its shell and its live panels, opened together and closed together. */
export interface LessonStage {
  run: LessonRun;
  terminal: EmbeddedTerminal;
  live: LiveKernel;
  close(): Promise<void>;
}

/** Opens the lesson's lab (LabError when this host cannot run it) with its shell and panels. */
export async function openStage(lesson: Lesson, stdout: NodeJS.WriteStream): Promise<LessonStage> {
  const run = await LessonRun.open(lesson);
  const live = new LiveKernel({ cgroupPath: run.lab.context.cgroupBase });
  let terminal: EmbeddedTerminal | undefined;
  try {
    const shell = run.shellCommand('bash', labBashArgs());
    terminal = newTerminal(
      { cwd: shell.cwd, env: shell.env, shell: { file: shell.file, args: shell.args } },
      stdout,
      (pid) => {
        void run.recordProcess(pid);
        live.setRoot(pid);
      },
    );
    void loadScreens().catch(() => undefined);
    await live.start();
    // A command in the shell: the panels poll quickly for a while.
    const term = terminal;
    term.onCommand(() => live.nudge());
    // The checkpoint is looked at again when the kernel or the shell says something
    // changed, not every second: an idle lesson costs (next to) nothing.
    run.watchLive({
      changes: (onChange) => {
        const offs = [live.onKernelChange(onChange), term.onCommand(onChange)];
        return () => {
          for (const off of offs) off();
        };
      },
      processes: () => live.processes(),
    });
  } catch (err) {
    live.stop();
    await terminal?.dispose();
    await run.close();
    throw err;
  }
  const term = terminal;
  let closing: Promise<void> | undefined;
  return {
    run,
    terminal: term,
    live,
    close: () =>
      (closing ??= (async () => {
        live.stop();
        await term.dispose();
        const report = await run.close();
        for (const e of report.errors) process.stderr.write(`contlab: could not remove ${e}\n`);
      })()),
  };
}

export interface PlayerOptions extends ScreenOptions {
  /** Called before the first step opens (the class reporter attaches; follow mode moves it). */
  attach?: (run: LessonRun, player: PlayerStore) => void;
}

/** The lesson player (`contlab start LESSON`). */
export async function runPlayer(lesson: Lesson, options: PlayerOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stage = await openStage(lesson, stdout);
  const store = new PlayerStore(stage.run);
  options.attach?.(stage.run, store);
  void store.open();
  const { createElement, exitCodeOf, runFullScreen, PlayerScreen } = await screensFor(stage);
  const reason = await runFullScreen(
    createElement(PlayerScreen, { store, terminal: stage.terminal, live: stage.live }),
    {
      ...options,
      onShutdown: async () => {
        await stage.close();
        await options.onShutdown?.();
      },
    },
  );
  return exitCodeOf(reason);
}

/** Presenter mode (`contlab present LESSON`): slides with the lab shell beside them. */
export async function runPresent(lesson: Lesson, options: ScreenOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stage = await openStage(lesson, stdout);
  const store = new PlayerStore(stage.run);
  const { createElement, exitCodeOf, runFullScreen, PresentScreen } = await screensFor(stage);
  const onSlide = (slide: number): void =>
    writePosition({ pid: process.pid, lessonFile: lesson.file, slide });
  const reason = await runFullScreen(
    createElement(PresentScreen, { store, terminal: stage.terminal, onSlide }),
    {
      ...options,
      onShutdown: async () => {
        removePosition();
        await stage.close();
        await options.onShutdown?.();
      },
    },
  );
  return exitCodeOf(reason);
}

/** The presenter's notes in a second terminal (`contlab present --notes`). */
export async function runNotes(options: ScreenOptions = {}): Promise<number> {
  const { createElement, exitCodeOf, runFullScreen, NotesScreen } = await loadScreens();
  return exitCodeOf(await runFullScreen(createElement(NotesScreen), options));
}

/**
 * The UI's composition root: the full-screen commands, each wiring a lab (a LabConnection:
 * the local lab by default), the embedded terminal, the stores and a screen, and taking it
 * all down again. Each returns the exit status the process should end with (0, or 128 +
 * the signal that ended it), after the terminal was restored and everything the screen
 * started (the lab, the shell) was removed. The home screen is in run-home.ts: it loads
 * less.
 */
import type { Lesson } from '../lessons/lessons-api.js';
import { LiveStore } from '../state/live-store.js';
import type { FollowSwitch } from '../state/follow-switch.js';
import { PlayerStore } from '../state/player-store.js';
import { removePosition, writePosition } from '../state/present-link.js';
import { EmbeddedTerminal, type OpenShell } from '../terminal/embedded-terminal.js';
import type { LabConnection } from './lab-connection.js';
import { openLocalLab } from './local/lab.js';
import { defaultShell, spawnLocalShell } from './local/shell.js';
import type { FullScreenOptions } from './run-full-screen.js';
import { startupMark } from '../../engine/startup-marks.js';

type Screens = typeof import('./screens.js');
let screens: Promise<Screens> | undefined;

/**
 * Ink, React and the screens, loaded once. Started before the lab opens, the load overlaps
 * the lab's set-up and the shell's start.
 */
function loadScreens(): Promise<Screens> {
  screens ??= import('./screens.js');
  return screens;
}

export interface ScreenOptions extends Pick<FullScreenOptions, 'stdin' | 'stdout' | 'monochrome'> {
  /** Runs once, after the terminal is restored (and after the lab is closed). */
  onShutdown?: () => Promise<void>;
}

/** Opens the lab a lesson is played in. Default: on this machine (openLocalLab). */
export type ConnectLab = (lesson: Lesson) => Promise<LabConnection>;

export interface PlayOptions extends ScreenOptions {
  connect?: ConnectLab;
  /** Called with the player before its first step opens (classroom mode follows slides). */
  attach?: (player: PlayerStore) => void;
  /** In a class: whether the player follows the instructor's slides, turned by a key. */
  follow?: FollowSwitch;
}

/** The shell's first size: the window's, before the layout gives it its pane. */
function firstSize(stdout: NodeJS.WriteStream): { cols: number; rows: number } {
  return { cols: stdout.columns || 80, rows: Math.max(1, (stdout.rows || 24) - 4) };
}

function newTerminal(openShell: OpenShell, stdout: NodeJS.WriteStream): EmbeddedTerminal {
  const { cols, rows } = firstSize(stdout);
  return new EmbeddedTerminal({ openShell, cols, rows });
}

/** A lesson's lab with the shell, the panels' store and the player's store, closed together. */
interface Stage {
  lab: LabConnection;
  terminal: EmbeddedTerminal;
  live: LiveStore;
  store: PlayerStore;
  close(): Promise<void>;
}

async function openStage(lesson: Lesson, options: PlayOptions): Promise<Stage> {
  const lab = await (options.connect ?? openLocalLab)(lesson);
  let terminal: EmbeddedTerminal;
  try {
    terminal = newTerminal(lab.openShell, options.stdout ?? process.stdout);
  } catch (err) {
    // No shell (a pty could not be made): nothing of the lab may stay behind.
    await lab.close();
    throw err;
  }
  const live = new LiveStore(lab.observer);
  live.start();
  live.followTimeline(lab.timeline);
  const store = new PlayerStore(lab.lesson, lab.run);
  options.attach?.(store);
  let closing: Promise<void> | undefined;
  return {
    lab,
    terminal,
    live,
    store,
    close: () =>
      (closing ??= (async () => {
        live.stop();
        await terminal.dispose();
        await lab.close();
      })()),
  };
}

/** How long the first frame may wait for the shell's prompt (it usually comes sooner). */
const FIRST_PROMPT_WAIT_MS = 250;

/** Loads the screens and runs `render` full-screen; the stage is closed on every way out. */
async function runStage(
  stage: Stage,
  options: ScreenOptions,
  element: (s: Screens) => React.ReactNode,
  onShutdown?: () => void,
): Promise<number> {
  let s: Screens;
  try {
    [s] = await Promise.all([
      loadScreens().then((loaded) => (startupMark('screens loaded'), loaded)),
      stage.terminal.firstOutput(FIRST_PROMPT_WAIT_MS).then(() => startupMark('prompt')),
    ]);
  } catch (err) {
    await stage.close();
    throw err;
  }
  const reason = await s.runFullScreen(element(s), {
    ...options,
    onShutdown: async () => {
      onShutdown?.();
      await stage.close();
      await options.onShutdown?.();
    },
  });
  return s.exitCodeOf(reason);
}

/** The lesson player (`contlab start LESSON`). */
export async function runPlayer(lesson: Lesson, options: PlayOptions = {}): Promise<number> {
  void loadScreens().catch(() => undefined);
  const stage = await openStage(lesson, options);
  void stage.store.open();
  return runStage(stage, options, (s) =>
    s.createElement(s.PlayerScreen, {
      store: stage.store,
      terminal: stage.terminal,
      live: stage.live,
      ...(options.follow === undefined ? {} : { follow: options.follow }),
      timeline: stage.lab.timeline,
    }),
  );
}

/** Presenter mode (`contlab present LESSON`): slides with the lab shell beside them. */
export async function runPresent(lesson: Lesson, options: PlayOptions = {}): Promise<number> {
  void loadScreens().catch(() => undefined);
  const stage = await openStage(lesson, options);
  // The slides follow the presenter; the live panels are not shown.
  stage.live.show(undefined);
  const onSlide = (slide: number): void =>
    writePosition({ pid: process.pid, lessonFile: lesson.file, slide });
  return runStage(
    stage,
    options,
    (s) =>
      s.createElement(s.PresentScreen, {
        store: stage.store,
        terminal: stage.terminal,
        onSlide,
        timeline: stage.lab.timeline,
      }),
    removePosition,
  );
}

/** The presenter's notes in a second terminal (`contlab present --notes`). */
export async function runNotes(options: ScreenOptions = {}): Promise<number> {
  const { createElement, exitCodeOf, runFullScreen, NotesScreen } = await loadScreens();
  return exitCodeOf(await runFullScreen(createElement(NotesScreen), options));
}

export interface ShellOptions extends ScreenOptions {
  /** The shell's working directory (default: the current one). */
  cwd?: string;
  /** The shell's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Called with each shell's PID, so a lab session can record it. */
  onShellSpawn?: (pid: number) => void;
}

/** A lab shell filling the screen, without a lesson (the embedded terminal's tests). */
export async function runShellScreen(options: ShellOptions = {}): Promise<number> {
  const shell = defaultShell();
  const terminal = newTerminal((cols, rows) => {
    const s = spawnLocalShell({
      ...shell,
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      cols,
      rows,
    });
    if (s.pid !== undefined) options.onShellSpawn?.(s.pid);
    return s;
  }, options.stdout ?? process.stdout);
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

/** What a key asks the app to do: one discriminated union for every screen. */

export type PanelTab =
  'processes' | 'namespaces' | 'cgroup' | 'capabilities' | 'mounts' | 'timeline';
export const PANEL_TABS: readonly PanelTab[] = [
  'processes',
  'namespaces',
  'cgroup',
  'capabilities',
  'mounts',
  'timeline',
];

export type Command =
  | { kind: 'quit' }
  /** Ctrl-C where it does not go to a shell: the second within a second quits. */
  | { kind: 'interrupt' }
  | { kind: 'help' }
  | { kind: 'redraw' }
  /** Where the keys go: the shell, or the lesson (the slides, in presenter mode). */
  | { kind: 'focus'; to: 'shell' | 'lesson' }
  | { kind: 'fullscreen' }
  | { kind: 'step'; delta: 1 | -1 }
  | { kind: 'check' }
  | { kind: 'hint' }
  | { kind: 'solution' }
  /** Answer the step's quiz with choice `choice` (0-based). */
  | { kind: 'answer'; choice: number }
  /** Type the step's command `index` (0-based) into the shell and run it. */
  | { kind: 'run-command'; index: number }
  | { kind: 'toggle-panels' }
  /** Classroom mode: follow the instructor's slides, or stop following. */
  | { kind: 'toggle-follow' }
  /** Take the lab back to the kernel state the open step began with. */
  | { kind: 'undo' }
  | { kind: 'panel'; delta: 1 | -1 }
  | { kind: 'scroll'; by: 'line' | 'page'; delta: 1 | -1 }
  | { kind: 'skip-typing' }
  | { kind: 'slide'; to: 'next' | 'prev' | 'first' | 'last' }
  | { kind: 'demo' }
  /** Home: move the selection. */
  | { kind: 'select'; delta: 1 | -1 }
  /** Home: open the selected lesson in the player or in presenter mode. */
  | { kind: 'open'; mode: 'start' | 'present' };

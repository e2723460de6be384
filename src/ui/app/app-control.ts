/** What any screen may ask of the app: quit, show a short notice, draw everything again. */
import { createContext, useContext } from 'react';

export interface AppControl {
  /** Leaves the app: the terminal is restored and the shutdown hook runs. `value` says why. */
  quit(value?: string): void;
  /** Shows `message` in the footer for a few seconds. */
  notify(message: string): void;
  /** Call on each Ctrl-C: the second within a second quits. Returns whether it quit. */
  ctrlC(): boolean;
  /** Clears the terminal and draws the whole frame again. */
  redraw(): void;
}

export const AppControlContext = createContext<AppControl>({
  quit: () => undefined,
  notify: () => undefined,
  ctrlC: () => false,
  redraw: () => undefined,
});

export function useAppControl(): AppControl {
  return useContext(AppControlContext);
}

/**
 * The size of the learner's terminal. run-full-screen.tsx renders the app again with the
 * new size inside the terminal's resize event, before Ink draws: no frame is ever laid out
 * for the old size and drawn into the new one.
 */
import { createContext, useContext } from 'react';

export interface WindowSize {
  cols: number;
  rows: number;
}

export const WindowSizeContext = createContext<WindowSize>({ cols: 80, rows: 24 });

export function useWindowSize(): WindowSize {
  return useContext(WindowSizeContext);
}

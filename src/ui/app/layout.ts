/**
 * Sizes of the full-screen layout. The frame is one row less than the window: an Ink frame
 * as tall as the window makes Ink clear and redraw the whole screen on every frame.
 */

export const MIN_COLS = 80;
export const MIN_ROWS = 24;

export interface FrameSize {
  cols: number;
  /** Rows of the frame (window rows - 1). */
  rows: number;
  /** Rows for the screen's body (the frame minus the footer line). */
  bodyRows: number;
}

export function isTooSmall(cols: number, rows: number): boolean {
  return cols < MIN_COLS || rows < MIN_ROWS;
}

export function frameSize(cols: number, rows: number): FrameSize {
  const frameRows = Math.max(1, rows - 1);
  return { cols, rows: frameRows, bodyRows: Math.max(1, frameRows - 1) };
}

/**
 * Sizes of the full-screen layouts. The frame is one row less than the window: an Ink frame
 * as tall as the window makes Ink clear and redraw the whole screen on every frame. Its
 * first row is the title bar and its last the footer; the screen's body is in between.
 */

export const MIN_COLS = 80;
export const MIN_ROWS = 24;
/** From this size on the player shows the live panels beside the lesson and the shell. */
export const WIDE_COLS = 120;
export const WIDE_ROWS = 36;

/** Whether the player shows lesson, shell and live panels at once at this window size. */
export function isWide(cols: number, rows: number): boolean {
  return cols >= WIDE_COLS && rows >= WIDE_ROWS;
}

export interface FrameSize {
  cols: number;
  /** Rows of the frame (window rows - 1). */
  rows: number;
  /** Rows for the screen's body (the frame minus the title bar and the footer). */
  bodyRows: number;
}

export function isTooSmall(cols: number, rows: number): boolean {
  return cols < MIN_COLS || rows < MIN_ROWS;
}

export function frameSize(cols: number, rows: number): FrameSize {
  const frameRows = Math.max(1, rows - 1);
  return { cols, rows: frameRows, bodyRows: Math.max(1, frameRows - 2) };
}

export interface Area {
  width: number;
  height: number;
}

export interface PlayerLayout {
  /** Whether lesson, shell and panels all show (a large terminal). */
  wide: boolean;
  /** The left column: the lesson, or the live panels in its place (small terminals). */
  left: Area;
  /** What the left column shows. */
  leftShows: 'lesson' | 'panels';
  shell: Area;
  /** The live panels below the shell (wide layout), if shown there. */
  panels: Area | undefined;
}

/**
 * Where the player's parts go. Wide (120x36 and up): the lesson on the left, the shell on
 * the right above the live panels. Smaller: the lesson and the shell side by side, and the
 * panels one key away, in the lesson's place (the shell stays in view to type in).
 */
export function playerLayout(cols: number, rows: number, panelsOn: boolean): PlayerLayout {
  const body = frameSize(cols, rows).bodyRows;
  const wide = isWide(cols, rows);
  if (wide) {
    const left = Math.floor(cols * 0.4);
    const panels = panelsOn ? Math.floor(body * 0.4) : 0;
    return {
      wide,
      left: { width: left, height: body },
      leftShows: 'lesson',
      shell: { width: cols - left, height: body - panels },
      panels: panelsOn ? { width: cols - left, height: panels } : undefined,
    };
  }
  const left = panelsOn ? Math.floor(cols / 2) : Math.max(32, Math.floor(cols * 0.42));
  return {
    wide,
    left: { width: left, height: body },
    leftShows: panelsOn ? 'panels' : 'lesson',
    shell: { width: cols - left, height: body },
    panels: undefined,
  };
}

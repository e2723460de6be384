/**
 * Where the lesson player's parts go: the lesson on the left, the shell on the right above
 * the live panels. At 80x24 the shell gets 48x12, enough for `top`.
 */
export interface PlayerLayout {
  lesson: { width: number; height: number };
  terminal: { width: number; height: number };
  panels: { width: number; height: number };
}

export function playerLayout(cols: number, bodyRows: number): PlayerLayout {
  const lessonWidth = Math.max(30, Math.floor(cols * 0.4));
  const right = cols - lessonWidth;
  const panels = Math.max(8, Math.floor(bodyRows * 0.4));
  return {
    lesson: { width: lessonWidth, height: bodyRows },
    terminal: { width: right, height: bodyRows - panels },
    panels: { width: right, height: panels },
  };
}

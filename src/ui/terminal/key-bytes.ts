/**
 * What the embedded shell receives for a key. The bytes are the ones the learner's terminal
 * sent, with one correction: the learner's terminal is in normal cursor-key mode (Ink never
 * switches it), so when the program in the pane asked for application cursor keys (vim,
 * less, top do) the arrows are rewritten from `ESC [ A` to `ESC O A`, and back.
 */
const E = '\\x1b';
const CURSOR_CSI = new RegExp(`^${E}\\[([ABCDHF])$`);
const CURSOR_SS3 = new RegExp(`^${E}O([ABCDHF])$`);

export function bytesForPty(seq: string, applicationCursor: boolean): string {
  if (applicationCursor) {
    const m = CURSOR_CSI.exec(seq);
    return m === null ? seq : `\x1bO${m[1]}`;
  }
  const m = CURSOR_SS3.exec(seq);
  return m === null ? seq : `\x1b[${m[1]}`;
}

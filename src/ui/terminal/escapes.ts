/** The escape sequences the app writes to the learner's terminal itself (Ink writes the rest). */

export const ENTER_ALT_SCREEN = '\x1b[?1049h';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';
export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';
/** Clear the whole screen and its scrollback, cursor to the top left. */
export const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';
/** SGR reset: no colour, no attributes. */
export const RESET_ATTRIBUTES = '\x1b[0m';
/** Begin a synchronized update: the terminal shows nothing of it until the frame's end. */
export const BEGIN_SYNC = '\x1b[?2026h';

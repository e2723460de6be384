/**
 * Everything that draws the full-screen commands (Ink, React and the screens), in one
 * module the CLI loads while the lab opens and the lab shell starts: loading it is the
 * slowest part of the start-up, and it needs neither.
 */
export { createElement } from 'react';
export { exitCodeOf, runFullScreen } from './run-full-screen.js';
export { NotesScreen } from '../screens/NotesScreen.js';
export { PlayerScreen } from '../screens/PlayerScreen.js';
export { PresentScreen } from '../screens/PresentScreen.js';
export { ShellScreen } from '../screens/ShellScreen.js';

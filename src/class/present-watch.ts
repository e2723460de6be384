/**
 * Where the presenter is, for follow mode: `contlab present` on the instructor's machine
 * already writes the lesson and slide it shows to a small file (for its notes screen); the
 * class server reads the same file when it changes and tells following attendees.
 */
import { unwatchFile, watchFile } from 'node:fs';
import { loadLessonFile } from '../lessons/load.js';
import { presentLinkFile, readPosition } from '../ui/state/present-link.js';
import type { Slide } from './protocol.js';

const POLL_MS = 300;

/** Calls `onSlide` with each new slide the presenter shows (slide 0, the title, is none). */
export function watchPresenter(
  onSlide: (slide: Slide | null) => void,
  file = presentLinkFile(),
): () => void {
  const lessonIds = new Map<string, string | undefined>();
  const idOf = (lessonFile: string): string | undefined => {
    if (!lessonIds.has(lessonFile)) {
      try {
        lessonIds.set(lessonFile, loadLessonFile(lessonFile).id);
      } catch {
        lessonIds.set(lessonFile, undefined);
      }
    }
    return lessonIds.get(lessonFile);
  };
  const look = (): void => {
    const position = readPosition(file);
    const lesson = position === undefined ? undefined : idOf(position.lessonFile);
    if (position === undefined || lesson === undefined || position.slide < 1) onSlide(null);
    else onSlide({ lesson, step: position.slide });
  };
  watchFile(file, { interval: POLL_MS, persistent: false }, look);
  look();
  return () => unwatchFile(file, look);
}

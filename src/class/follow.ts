/**
 * Follow mode on the attendee's side: when the presenter moves to a slide of the lesson this
 * attendee plays, a following attendee's player goes to that step. The attendee turns it on
 * and off (the reporter tells the room which attendees follow).
 */
import type { ClassClient } from './client.js';
import type { ClassReporter } from './reporter.js';

export function followSlides(
  client: Pick<ClassClient, 'on'>,
  reporter: Pick<ClassReporter, 'following'>,
  lessonId: string,
  go: (step: number) => void,
): () => void {
  return client.on('slide', (slide) => {
    if (reporter.following && slide.lesson === lessonId) go(slide.step);
  });
}

/**
 * A presenter slide as lines: the title letter-spaced (it reads from the back of the room),
 * then the step's text in full Markdown (the same renderer as the player's) and the demo
 * commands. Slide 0 is the lesson's title slide.
 */
import { t } from '../../i18n/messages.js';
import type { Lesson } from '../lessons/lessons-api.js';
import { codeLines, renderMarkdown } from '../markdown/render.js';
import { seg, widthOf, type Line } from '../text/styled.js';
import { wrap } from '../text/wrap.js';

/** Title letters spaced out, when that fits. */
function largeTitle(title: string, width: number): string {
  const spaced = Array.from(title.toUpperCase()).join(' ');
  return widthOf(spaced) <= width ? spaced : title.toUpperCase();
}

export function slideLines(lesson: Lesson, slide: number, width: number, mono = false): Line[] {
  const step = slide === 0 ? undefined : lesson.steps[slide - 1];
  const title = step === undefined ? lesson.title : step.title;
  const big = largeTitle(title, width);
  const lines: Line[] = [
    ...wrap([seg(big, { bold: true, color: 'accent' })], width),
    [seg('━'.repeat(Math.max(1, Math.min(width, widthOf(big)))), { color: 'muted' })],
    [],
  ];
  if (step === undefined) {
    lines.push(...renderMarkdown(lesson.summary, width, { mono }), []);
    lines.push([
      seg(t('present.summary', { steps: lesson.steps.length, minutes: lesson.minutes }), {
        color: 'muted',
      }),
    ]);
    return lines;
  }
  lines.push(...renderMarkdown(step.prose, width, { mono }));
  if (step.demo.length > 0) {
    lines.push([], [seg(t('present.demo'), { color: 'muted' })]);
    for (const d of step.demo) lines.push(...codeLines(d.text.trimEnd(), width));
  }
  return lines;
}

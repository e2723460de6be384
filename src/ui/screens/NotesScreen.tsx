/**
 * Presenter notes for a second terminal (`contlab present --notes`): follows the slide the
 * presenter shows and prints that step's notes, the demo commands and what comes next.
 */
import { t } from '../../i18n/messages.js';
import { Box } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import { useTheme } from '../app/theme.js';
import { AppShell } from '../components/AppShell.js';
import { TextLines } from '../components/TextLines.js';
import { useCommands } from '../hooks/use-commands.js';
import { loadLessonCached, type Lesson } from '../lessons/lessons-api.js';
import { codeLines, renderMarkdown } from '../markdown/render.js';
import { readPosition, type PresentPosition } from '../state/present-link.js';
import { seg, type Line } from '../text/styled.js';
import { wrap } from '../text/wrap.js';

const POLL_MS = 250;

function notesLines(
  position: PresentPosition | undefined,
  lesson: Lesson | undefined,
  width: number,
  mono: boolean,
): Line[] {
  if (position === undefined || lesson === undefined)
    return [[seg(t('notes.waiting'), { color: 'muted' })]];
  const step = lesson.steps[position.slide - 1];
  const next = lesson.steps[position.slide];
  const lines: Line[] = [
    ...wrap([seg(step === undefined ? t('notes.titleSlide') : step.title, { bold: true })], width),
    [],
  ];
  if (step !== undefined && step.notes.length === 0)
    lines.push([seg(t('notes.none'), { color: 'muted' })]);
  for (const n of step?.notes ?? []) lines.push(...renderMarkdown(n, width, { mono }), []);
  if (step !== undefined && step.demo.length > 0) {
    lines.push([seg(t('notes.demo'), { color: 'muted' })]);
    for (const d of step.demo) lines.push(...codeLines(d.text.trimEnd(), width));
  }
  lines.push(
    [],
    ...wrap(
      [seg(t('notes.next', { title: next?.title ?? t('notes.theEnd') }), { color: 'muted' })],
      width,
    ),
  );
  return lines;
}

export function NotesScreen(): React.JSX.Element {
  const theme = useTheme();
  const [position, setPosition] = useState<PresentPosition | undefined>(() => readPosition());
  const [lesson, setLesson] = useState<Lesson | undefined>(undefined);

  useEffect(() => {
    const timer = setInterval(() => {
      const next = readPosition();
      setPosition((p) =>
        p?.slide === next?.slide && p?.lessonFile === next?.lessonFile && p?.pid === next?.pid
          ? p
          : next,
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const lessonFile = position?.lessonFile;
  useEffect(() => {
    if (lessonFile === undefined) return;
    let current = true;
    loadLessonCached(lessonFile).then(
      (lesson) => current && setLesson(lesson),
      () => current && setLesson(undefined),
    );
    return () => {
      current = false;
    };
  }, [lessonFile]);
  useCommands(
    'notes',
    useCallback(() => undefined, []),
    true,
  );

  const title = [seg('contlab', { bold: true }), seg(`  ${t('notes.title')}`)];
  const status =
    position === undefined || lesson === undefined
      ? []
      : [
          seg(
            t('notes.status', {
              title: lesson.title,
              slide: position.slide,
              total: lesson.steps.length,
            }),
          ),
        ];
  return (
    <AppShell title={title} status={status} context="notes">
      {({ cols, bodyRows }) => (
        <Box paddingX={1} width={cols} height={bodyRows}>
          <TextLines
            lines={notesLines(position, lesson, cols - 2, theme.mono)}
            width={cols - 2}
            height={bodyRows}
          />
        </Box>
      )}
    </AppShell>
  );
}

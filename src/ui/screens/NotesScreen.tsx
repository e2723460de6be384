/**
 * Presenter notes for a second terminal (`contlab present --notes`): follows the slide the
 * presenter shows and prints that step's notes, the demo commands and what comes next.
 */
import { Box, Text } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import { useAppControl } from '../app/app-control.js';
import { useTheme } from '../app/theme.js';
import { AppShell } from '../components/AppShell.js';
import { CodeLines, Markdown } from '../components/Markdown.js';
import { useKeys } from '../hooks/use-keys.js';
import type { KeyPress } from '../keys/key-press.js';
import { loadLessonCached, type Lesson } from '../lessons/lessons-api.js';
import { markdownBlocks } from '../markdown/blocks.js';
import { readPosition, type PresentPosition } from '../state/present-link.js';

const POLL_MS = 250;

export function NotesScreen(): React.JSX.Element {
  const theme = useTheme();
  const app = useAppControl();
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

  const onKey = useCallback(
    (key: KeyPress) => {
      if (key.name === 'q') app.quit();
      else if (key.seq === '\x03') app.ctrlC();
    },
    [app],
  );
  useKeys(onKey);

  const step =
    position === undefined || lesson === undefined ? undefined : lesson.steps[position.slide - 1];
  const next =
    position === undefined || lesson === undefined ? undefined : lesson.steps[position.slide];
  return (
    <AppShell footer={[{ keys: 'q', label: 'quit' }]}>
      {({ cols, bodyRows }) => (
        <Box flexDirection="column" width={cols} height={bodyRows} paddingX={1} overflow="hidden">
          {position === undefined || lesson === undefined ? (
            <Text color={theme.muted}>waiting for contlab present in another terminal…</Text>
          ) : (
            <>
              <Text bold color={theme.accent} wrap="truncate-end">
                {`notes — ${lesson.title} — slide ${position.slide}/${lesson.steps.length}`}
              </Text>
              <Text bold wrap="wrap">
                {step === undefined ? 'title slide' : step.title}
              </Text>
              <Text> </Text>
              {step?.notes.length === 0 && <Text color={theme.muted}>no notes for this slide</Text>}
              {step?.notes.map((n, i) => (
                <Markdown key={i} blocks={markdownBlocks(n)} width={cols - 2} />
              ))}
              {step !== undefined && step.demo.length > 0 && (
                <Box flexDirection="column" marginTop={1}>
                  <Text color={theme.muted}>demo (d):</Text>
                  {step.demo.map((d, i) => (
                    <CodeLines key={i} lines={d.text.split('\n')} width={cols - 2} />
                  ))}
                </Box>
              )}
              <Text> </Text>
              <Text
                color={theme.muted}
                wrap="truncate-end"
              >{`next: ${next?.title ?? 'the end'}`}</Text>
            </>
          )}
        </Box>
      )}
    </AppShell>
  );
}

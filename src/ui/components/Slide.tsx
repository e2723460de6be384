/**
 * One slide: a large title and the step's text as bullets, the commands the demo will
 * type below them. Slide 0 is the lesson's title slide.
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useTheme } from '../app/theme.js';
import type { Lesson } from '../lessons/lessons-api.js';
import { markdownBlocks, plainText } from '../markdown/blocks.js';
import { CodeLines } from './Markdown.js';

/** Title letters spaced out, so the title reads from the back of the room. */
export function largeTitle(title: string, width: number): string {
  const spaced = title.toUpperCase().split('').join(' ');
  return spaced.length <= width ? spaced : title.toUpperCase();
}

export function Slide({
  lesson,
  slide,
  width,
  height,
}: {
  lesson: Lesson;
  slide: number;
  width: number;
  height: number;
}): React.JSX.Element {
  const theme = useTheme();
  const step = slide === 0 ? undefined : lesson.steps[slide - 1];
  const bullets = useMemo(
    () =>
      markdownBlocks(step === undefined ? lesson.summary : step.prose)
        .filter((b) => b.kind === 'paragraph')
        .map((b) => (b.kind === 'paragraph' ? plainText(b.spans) : '')),
    [lesson, step],
  );
  const title = step === undefined ? lesson.title : step.title;
  return (
    <Box
      width={width}
      height={height}
      flexDirection="column"
      paddingX={2}
      paddingTop={1}
      overflow="hidden"
    >
      <Text bold color={theme.accent} wrap="truncate-end">
        {largeTitle(title, width - 4)}
      </Text>
      <Text color={theme.muted}>
        {'━'.repeat(Math.max(1, Math.min(width - 4, title.length * 2)))}
      </Text>
      <Text> </Text>
      {bullets.map((b, i) => (
        <Box key={i} marginBottom={1} flexDirection="row">
          <Box width={2} flexShrink={0}>
            <Text bold>▸</Text>
          </Box>
          <Text wrap="wrap">{b}</Text>
        </Box>
      ))}
      {step !== undefined && step.demo.length > 0 && (
        <Box flexDirection="column">
          {step.demo.map((d, i) => (
            <CodeLines key={i} lines={d.text.split('\n')} width={width - 4} />
          ))}
        </Box>
      )}
      {step === undefined && (
        <Text color={theme.muted}>{`${lesson.steps.length} steps · ${lesson.minutes} min`}</Text>
      )}
    </Box>
  );
}

/** `━━━━━━────── 3/12` */
export function ProgressBar({
  slide,
  total,
  width,
}: {
  slide: number;
  total: number;
  width: number;
}): React.JSX.Element {
  const theme = useTheme();
  const label = ` ${slide}/${total}`;
  const bar = Math.max(1, width - label.length);
  const full = total === 0 ? 0 : Math.round((slide / total) * bar);
  return (
    <Text>
      <Text color={theme.accent}>{'━'.repeat(full)}</Text>
      <Text color={theme.muted}>{'─'.repeat(bar - full)}</Text>
      {label}
    </Text>
  );
}

/**
 * The lesson side of the player: lesson title and progress, the step's text (Markdown), the
 * commands to type, then the checkpoint, hint, quiz and solution. Scrolls when taller than
 * the pane (↑/↓ while the lesson has the focus).
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { useTheme } from '../app/theme.js';
import type { Lesson } from '../lessons/lessons-api.js';
import { markdownBlocks, type Block } from '../markdown/blocks.js';
import type { PlayerState } from '../state/player-store.js';
import { CheckpointBox } from './CheckpointBox.js';
import { CodeLines, Markdown } from './Markdown.js';

export interface LessonKeys {
  check: string;
  next: string;
  hint: string;
}

function Marks({ state }: { state: PlayerState }): React.JSX.Element {
  const theme = useTheme();
  const current = state.step?.number;
  return (
    <Text wrap="truncate-end">
      {state.marks.map((m, i) => (
        <Text
          key={i}
          bold={i + 1 === current}
          underline={i + 1 === current}
          color={m === 'done' ? theme.ok : m === 'skipped' ? theme.warn : theme.muted}
        >
          {m === 'done' ? '✓' : m === 'skipped' ? '»' : '·'}
        </Text>
      ))}
    </Text>
  );
}

function StepBody({
  state,
  blocks,
  width,
}: {
  state: PlayerState;
  blocks: Block[];
  width: number;
}): React.JSX.Element | null {
  const theme = useTheme();
  const step = state.step;
  if (step === undefined) return null;
  const quiz = step.quizzes[0];
  return (
    <>
      <Text bold wrap="wrap">{`${step.number}. ${step.title}`}</Text>
      <Text> </Text>
      <Markdown blocks={blocks} width={width} />
      {step.commands.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={theme.muted}>type in the shell:</Text>
          {step.commands.map((c, i) => (
            <CodeLines key={i} lines={c.text.split('\n')} width={width} />
          ))}
        </Box>
      )}
      {quiz !== undefined && (
        <Box marginTop={1} flexDirection="column">
          <Text bold wrap="wrap">{`quiz: ${quiz.question}`}</Text>
          {quiz.choices.map((c, i) => {
            const chosen = state.quiz?.choice === i;
            const colour = state.quiz?.outcome.correct ? theme.ok : theme.fail;
            return (
              <Text key={i} wrap="wrap" bold={chosen} color={chosen ? colour : undefined}>
                {`  ${String.fromCharCode(65 + i)}) ${c.text}`}
              </Text>
            );
          })}
          {state.quiz !== undefined && (
            <Text wrap="wrap" color={state.quiz.outcome.correct ? theme.ok : theme.fail}>
              {`${state.quiz.outcome.correct ? '✓' : '✗'} ${state.quiz.outcome.explain}`}
            </Text>
          )}
        </Box>
      )}
      {state.solution !== undefined && (
        <Box marginTop={1} flexDirection="column">
          <Text bold color={theme.accent}>
            solution
          </Text>
          {state.solution.map((c, i) => (
            <CodeLines key={i} lines={c.text.split('\n')} width={width} />
          ))}
        </Box>
      )}
    </>
  );
}

export function LessonPane({
  lesson,
  state,
  width,
  height,
  scroll,
  focused,
  keys,
}: {
  lesson: Lesson;
  state: PlayerState;
  width: number;
  height: number;
  scroll: number;
  focused: boolean;
  keys: LessonKeys;
}): React.JSX.Element {
  const theme = useTheme();
  const step = state.step;
  const blocks = useMemo(() => markdownBlocks(step?.prose ?? ''), [step]);
  const inner = width - 2;
  const done = state.marks.filter((m) => m === 'done').length;
  return (
    <Box width={width} height={height} flexDirection="column" paddingX={1} overflow="hidden">
      <Text
        bold
        wrap="truncate-end"
        inverse={focused && !theme.mono}
        color={focused ? undefined : theme.accent}
      >
        {`${focused ? '▶ ' : ''}${lesson.title}`}
      </Text>
      <Text wrap="truncate-end">
        <Text color={theme.muted}>{`step ${step?.number ?? '–'}/${lesson.steps.length}  `}</Text>
        <Marks state={state} />
        <Text color={theme.muted}>{`  ${done} done`}</Text>
      </Text>
      <Box flexGrow={1} flexShrink={1} overflow="hidden" flexDirection="column">
        <Box flexDirection="column" marginTop={-scroll} flexShrink={0}>
          {step === undefined || state.entering ? (
            <Text color={theme.muted}>preparing the step…</Text>
          ) : (
            <StepBody state={state} blocks={blocks} width={inner} />
          )}
        </Box>
      </Box>
      {step !== undefined && !state.entering && (
        <Box
          flexDirection="column"
          flexShrink={0}
          borderStyle="single"
          borderTop
          borderBottom={false}
          borderLeft={false}
          borderRight={false}
          borderColor={theme.muted}
        >
          <CheckpointBox state={state} keyLabel={keys.check} nextLabel={keys.next} />
          {state.hint !== undefined && (
            <Box flexDirection="column">
              <Text bold color={theme.warn}>{`hint ${state.hintNumber}`}</Text>
              <Markdown blocks={markdownBlocks(state.hint.text)} width={inner} />
            </Box>
          )}
          {state.message !== undefined && (
            <Text color={theme.warn} wrap="wrap">
              {state.message}
            </Text>
          )}
        </Box>
      )}
    </Box>
  );
}

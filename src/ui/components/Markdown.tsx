/** Lesson Markdown rendered in Ink: bold headings, styled spans, bullets, highlighted code. */
import { Box, Text } from 'ink';
import { useTheme, type Theme } from '../app/theme.js';
import type { Block, Span } from '../markdown/blocks.js';
import { highlightShell, type TokenKind } from '../markdown/highlight.js';

function SpanText({ span, theme }: { span: Span; theme: Theme }): React.JSX.Element {
  return (
    <Text bold={span.bold} italic={span.italic} color={span.code ? theme.string : undefined}>
      {span.code && theme.mono ? `\`${span.text}\`` : span.text}
    </Text>
  );
}

function tokenColour(kind: TokenKind, theme: Theme): string | undefined {
  if (kind === 'command') return theme.keyword;
  if (kind === 'string') return theme.string;
  if (kind === 'variable') return theme.accent;
  if (kind === 'comment') return theme.comment;
  return theme.code;
}

export function CodeLines({ lines, width }: { lines: string[]; width: number }): React.JSX.Element {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width} paddingLeft={2}>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {theme.mono ? '$ ' : ''}
          {highlightShell(line).map((t, j) => (
            <Text key={j} color={tokenColour(t.kind, theme)} bold={t.kind === 'command'}>
              {t.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}

export function MarkdownBlock({
  block,
  width,
}: {
  block: Block;
  width: number;
}): React.JSX.Element {
  const theme = useTheme();
  switch (block.kind) {
    case 'heading':
      return (
        <Text bold color={theme.accent} wrap="wrap">
          {block.spans.map((s) => s.text).join('')}
        </Text>
      );
    case 'code':
      return <CodeLines lines={block.lines} width={width} />;
    case 'rule':
      return <Text color={theme.muted}>{'─'.repeat(Math.max(1, width - 1))}</Text>;
    case 'paragraph':
      return (
        <Box paddingLeft={block.indent ?? 0} width={width}>
          {block.bullet !== undefined && <Text>{`${block.bullet} `}</Text>}
          <Box flexShrink={1}>
            <Text wrap="wrap">
              {block.spans.map((s, i) => (
                <SpanText key={i} span={s} theme={theme} />
              ))}
            </Text>
          </Box>
        </Box>
      );
  }
}

export function Markdown({ blocks, width }: { blocks: Block[]; width: number }): React.JSX.Element {
  return (
    <Box flexDirection="column" width={width} gap={1}>
      {blocks.map((b, i) => (
        <MarkdownBlock key={i} block={b} width={width} />
      ))}
    </Box>
  );
}

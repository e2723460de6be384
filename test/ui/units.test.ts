/**
 * The UI's pure pieces: key parsing (the bytes the embedded shell receives), layouts at the
 * minimum size, Markdown blocks, shell highlighting, the panels' text gauges.
 */
import { describe, expect, test } from '@jest/globals';
import { playerLayout } from '../../src/ui/app/player-layout.js';
import { frameSize, isTooSmall } from '../../src/ui/app/layout.js';
import { formatBytes, gauge, sparkline } from '../../src/ui/format/units.js';
import { lessonCommandOf } from '../../src/ui/hooks/use-lesson-keys.js';
import { parseKey, splitInput } from '../../src/ui/keys/key-press.js';
import { presentCommandOf } from '../../src/ui/keys/present-keys.js';
import { routePaneKey } from '../../src/ui/keys/terminal-keys.js';
import { markdownBlocks, plainText } from '../../src/ui/markdown/blocks.js';
import { highlightShell } from '../../src/ui/markdown/highlight.js';
import { visibleRange } from '../../src/ui/screens/HomeScreen.js';
import { bytesForPty } from '../../src/ui/terminal/key-bytes.js';

describe('keys', () => {
  test('escape sequences are named, with their modifiers', () => {
    expect(parseKey('\x1b[A').name).toBe('up');
    expect(parseKey('\x1b[23~').name).toBe('f11');
    expect(parseKey('\x1b[1;5C')).toMatchObject({ name: 'right', ctrl: true });
    expect(parseKey('\x1bOP').name).toBe('f1');
    expect(parseKey('\x1b[[A').name).toBe('f1');
    expect(parseKey('\x14')).toMatchObject({ name: 't', ctrl: true });
    expect(parseKey('\x7f').name).toBe('backspace');
    expect(splitInput('ab')).toEqual(['a', 'b']);
  });

  test('arrows follow the program in the pane: application cursor mode or not', () => {
    expect(bytesForPty('\x1b[A', true)).toBe('\x1bOA');
    expect(bytesForPty('\x1bOA', false)).toBe('\x1b[A');
    expect(bytesForPty('x', true)).toBe('x');
  });

  test('Ctrl-T is the prefix; Ctrl-T Ctrl-T types a Ctrl-T; the rest goes to the shell', () => {
    expect(routePaneKey(parseKey('\x14'), false)).toEqual({ kind: 'prefix' });
    expect(routePaneKey(parseKey('c'), true)).toEqual({ kind: 'command', command: 'checkpoint' });
    expect(routePaneKey(parseKey('3'), true)).toEqual({ kind: 'command', command: 'tab-3' });
    expect(routePaneKey(parseKey('\x14'), true)).toEqual({ kind: 'pty', seq: '\x14' });
    expect(routePaneKey(parseKey('q'), false)).toEqual({ kind: 'pty', seq: 'q' });
  });

  test('clicker keys move slides; capitals answer quizzes in the lesson', () => {
    expect(presentCommandOf(parseKey('\x1b[6~'))).toBe('next');
    expect(presentCommandOf(parseKey('\x1b[5~'))).toBe('prev');
    expect(presentCommandOf(parseKey(' '))).toBe('next');
    expect(lessonCommandOf(parseKey('B'))).toBe('answer-1');
    expect(lessonCommandOf(parseKey('c'))).toBe('checkpoint');
  });
});

describe('layout', () => {
  test('80x24 is the minimum; the frame is one row less than the window', () => {
    expect(isTooSmall(79, 24)).toBe(true);
    expect(isTooSmall(80, 24)).toBe(false);
    expect(frameSize(80, 24)).toEqual({ cols: 80, rows: 23, bodyRows: 22 });
  });

  test('at 80x24 the shell gets 48 columns and the panels stay visible', () => {
    const l = playerLayout(80, 22);
    expect(l.lesson.width + l.terminal.width).toBe(80);
    expect(l.terminal.width).toBe(48);
    expect(l.terminal.height + l.panels.height).toBe(22);
    expect(l.panels.height).toBeGreaterThanOrEqual(8);
  });

  test('the home list keeps the selected lesson in view', () => {
    expect(visibleRange(0, 12, 18)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(visibleRange(11, 12, 18)).toEqual([6, 7, 8, 9, 10, 11]);
    expect(visibleRange(1, 2, 18)).toEqual([0, 1]);
  });
});

describe('text', () => {
  test('Markdown becomes headings, styled spans, bullets and code', () => {
    const blocks = markdownBlocks(
      '# Title\n\nRun `ls` **now**.\n\n- one\n- two\n\n```sh\necho hi\n```\n',
    );
    expect(blocks.map((b) => b.kind)).toEqual([
      'heading',
      'paragraph',
      'paragraph',
      'paragraph',
      'code',
    ]);
    const para = blocks[1];
    expect(para?.kind === 'paragraph' && plainText(para.spans)).toBe('Run ls now.');
    expect(para?.kind === 'paragraph' && para.spans.find((s) => s.code)?.text).toBe('ls');
    expect(blocks[2]).toMatchObject({ bullet: '•' });
  });

  test('shell highlighting finds the command words, strings, variables and comments', () => {
    const kinds = highlightShell(`echo "$HOME" | grep -c 'x' # count`)
      .filter((t) => t.kind !== 'text')
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      'command:echo',
      'string:"$HOME"',
      'command:grep',
      "string:'x'",
      'comment:# count',
    ]);
  });

  test('sizes, gauges and sparklines', () => {
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(gauge(0.5, 12)).toBe('[█████░░░░░]');
    expect(sparkline([0, 4, 8], 3, 8)).toBe('▁▄█');
  });
});

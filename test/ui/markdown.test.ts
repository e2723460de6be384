/**
 * Lesson Markdown as the player and the presenter draw it (src/ui/markdown/render.ts):
 * tables, nested lists, code with shell highlighting, quotes, links, wrapping; and every
 * lesson's every step at the widths the layouts give it. Pure: no terminal, no root.
 */
import { describe, expect, test } from '@jest/globals';
import { lessonFiles, loadLessonFile } from '../../src/lessons/load.js';
import { highlightShell } from '../../src/ui/markdown/highlight.js';
import { renderMarkdown, shellSegments } from '../../src/ui/markdown/render.js';
import { splitCommands } from '../../src/ui/lessons/step-commands.js';
import { lineWidth, linesText, seg, type Line } from '../../src/ui/text/styled.js';
import { wrap } from '../../src/ui/text/wrap.js';
import { commandLines } from '../../src/ui/views/lesson-doc.js';
import { slideLines } from '../../src/ui/views/slide.js';

const text = (md: string, width: number): string => linesText(renderMarkdown(md, width));
const widest = (lines: Line[]): number => Math.max(0, ...lines.map(lineWidth));
/** All the text, without the spaces wrapping puts in or takes out. */
const squeezed = (s: string): string => s.replace(/\s+/g, '');

describe('wrapping', () => {
  test('inline code wraps like words: no line starts with the space it broke at', () => {
    const md = 'Run `ls -l /proc/$$/ns` and then `lsns --type uts` to see `pid` and `mnt` here.';
    for (let width = 8; width <= 40; width++) {
      const lines = renderMarkdown(md, width);
      expect(widest(lines)).toBeLessThanOrEqual(width);
      for (const line of linesText(lines).split('\n')) expect(line).not.toMatch(/^\s/);
      expect(squeezed(linesText(lines))).toBe(squeezed(md.replace(/`/g, '')));
    }
  });

  test('a word longer than the line is cut, never lost', () => {
    const lines = wrap([{ text: 'a /very/long/path/that/does/not/fit here' }], 10);
    expect(widest(lines)).toBeLessThanOrEqual(10);
    expect(squeezed(linesText(lines))).toBe('a/very/long/path/that/does/not/fithere');
  });

  test('control characters are drawn as their pictures, tabs as spaces', () => {
    expect(linesText(wrap([seg('holds "sleep\u00003600\u0000"')], 40))).toBe('holds "sleep␀3600␀"');
    expect(seg('a\tb\u001b[31m').text).toBe('a    b␛[31m');
  });

  test('hanging indents: the prefix first, the indent after', () => {
    const lines = wrap([{ text: 'one two three four five' }], 12, {
      first: [{ text: '1. ' }],
      rest: [{ text: '   ' }],
    });
    expect(linesText(lines)).toBe('1. one two\n   three\n   four five');
  });
});

describe('blocks', () => {
  test('a GFM table is drawn with box-drawing characters, header bold, cells wrapped to fit', () => {
    const md =
      '| Type | Isolates |\n| ---- | -------- |\n| `pid` | process numbers |\n| `net` | network interfaces, addresses, routes |\n';
    const wide = text(md, 60);
    expect(wide).toBe(
      [
        '┌──────┬───────────────────────────────────────┐',
        '│ Type │ Isolates                              │',
        '├──────┼───────────────────────────────────────┤',
        '│ pid  │ process numbers                       │',
        '│ net  │ network interfaces, addresses, routes │',
        '└──────┴───────────────────────────────────────┘',
      ].join('\n'),
    );
    const header = renderMarkdown(md, 60)[1]?.find((s) => s.text === 'Type');
    expect(header?.style?.bold).toBe(true);
    const narrow = renderMarkdown(md, 26);
    expect(widest(narrow)).toBeLessThanOrEqual(26);
    expect(linesText(narrow)).toMatch(/│ net {2}│ network +│\n│ {6}│ interfaces, +│/);
    expect(linesText(narrow)).not.toMatch(/\| -+ \|/);
  });

  test('a table too wide for its narrowest columns becomes records, nothing cut', () => {
    const md =
      '| a | b | c | d | e |\n|---|---|---|---|---|\n| alpha | beta | gamma | delta | epsilon |\n';
    const out = text(md, 20);
    expect(out).toContain('a: alpha');
    expect(out).toContain('e: epsilon');
    expect(out).not.toContain('|');
  });

  test('nested lists: markers per level, continuation lines under the text', () => {
    const md = '1. first item that wraps\n   - nested *one*\n   - nested two\n2. second\n';
    expect(text(md, 20)).toBe(
      ['1. first item that', '   wraps', '   • nested one', '   • nested two', '2. second'].join(
        '\n',
      ),
    );
    expect(text('- a\n  - b\n    - c\n', 20)).toBe('• a\n  ◦ b\n    ▪ c');
  });

  test('code blocks are highlighted as shell, long lines wrap under themselves', () => {
    const lines = renderMarkdown('```sh\necho "$HOME" | grep -c x # count it\n```\n', 18);
    expect(linesText(lines)).toBe('  echo "$HOME" |\n    grep -c x #\n    count it');
    const first = lines[0] ?? [];
    expect(first.find((s) => s.text === 'echo')?.style).toMatchObject({ color: 'keyword' });
    expect(first.find((s) => s.text === '"$HOME"')?.style).toMatchObject({ color: 'string' });
  });

  test('block quotes are marked; links show their text and the URL', () => {
    expect(text('> quoted words here\n', 12)).toBe('│ quoted\n│ words here');
    expect(text('See [the man page](https://man7.org/x.html).', 80)).toBe(
      'See the man page (https://man7.org/x.html).',
    );
    expect(text('<https://example.org>', 80)).toBe('https://example.org');
  });

  test('without colours, inline code keeps its backticks', () => {
    expect(linesText(renderMarkdown('run `ls` now', 40, { mono: true }))).toBe('run `ls` now');
    expect(linesText(renderMarkdown('run `ls` now', 40))).toBe('run ls now');
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
    expect(shellSegments('ls').map((s) => s.text)).toEqual(['ls']);
  });
});

describe('commands to type', () => {
  test('a block is split into single commands; continued lines stay together', () => {
    expect(splitCommands('ls -l\n\nlsns --type uts\n')).toEqual(['ls -l', 'lsns --type uts']);
    expect(splitCommands('# make it\nmkdir x \\\n  -p\necho done')).toEqual([
      '# make it\nmkdir x \\\n  -p',
      'echo done',
    ]);
    expect(splitCommands('for i in 1 2; do\n  echo $i\ndone\nls')).toEqual([
      'for i in 1 2; do\n  echo $i\ndone',
      'ls',
    ]);
    expect(splitCommands('cat <<EOF > f\na\nEOF\nls')).toEqual(['cat <<EOF > f\na\nEOF', 'ls']);
    expect(splitCommands("echo 'a\nb'\nls")).toEqual(["echo 'a\nb'", 'ls']);
    expect(splitCommands('ps aux |\n  grep x')).toEqual(['ps aux |\n  grep x']);
    expect(splitCommands('if [ -d x ]; then echo y; fi\nls')).toEqual([
      'if [ -d x ]; then echo y; fi',
      'ls',
    ]);
  });

  test('numbered commands wrap under their text and are never cut', () => {
    const cmds = ['ls -l /proc/$$/ns > "$LAB_DIR/my-namespaces.txt"', 'lsns --type uts'];
    const lines = commandLines(cmds, 24);
    expect(widest(lines)).toBeLessThanOrEqual(24);
    expect(linesText(lines)).toBe(
      [
        '1 ls -l /proc/$$/ns >',
        '    "$LAB_DIR/my-namespa',
        '    ces.txt"',
        '2 lsns --type uts',
      ].join('\n'),
    );
  });
});

describe('every lesson', () => {
  const lessons = lessonFiles().map((f) => loadLessonFile(f));

  test('is found', () => {
    expect(lessons.length).toBeGreaterThan(0);
  });

  // The lesson pane's text width at 80 and 160 columns (100 is in between), and very narrow.
  for (const width of [20, 30, 61]) {
    test(`renders in ${width} columns: nothing wider, every table drawn, every command whole`, () => {
      for (const lesson of lessons) {
        for (const step of lesson.steps) {
          const where = `${lesson.id} step ${step.number} at ${width}`;
          const prose = renderMarkdown(step.prose, width);
          expect([where, widest(prose) <= width]).toEqual([where, true]);
          const out = linesText(prose);
          expect([where, /\|\s*:?-{3,}/.test(out)]).toEqual([where, false]);
          const tables = /^\|.*\|\s*$/m.test(step.prose);
          if (tables && width >= 30) expect([where, out.includes('┌')]).toEqual([where, true]);
          const commands = step.commands.flatMap((c) => splitCommands(c.text));
          const listed = squeezed(linesText(commandLines(commands, width)));
          for (const c of commands)
            expect([where, listed.includes(squeezed(c))]).toEqual([where, true]);
        }
      }
    });
  }

  test('slides (a 120-column presenter) fit their width', () => {
    for (const lesson of lessons)
      for (let slide = 0; slide <= lesson.steps.length; slide++)
        expect([lesson.id, slide, widest(slideLines(lesson, slide, 62)) <= 62]).toEqual([
          lesson.id,
          slide,
          true,
        ]);
  });
});

/**
 * Chinese, Japanese and Cyrillic text as the panes draw it: wrapped to the width in cells
 * (a wide character takes two), broken between wide characters where there are no spaces,
 * never starting a line with closing punctuation, in tables and lists too. Pure.
 */
import { describe, expect, test } from '@jest/globals';
import { renderMarkdown } from '../../src/ui/markdown/render.js';
import { lineWidth, linesText, seg, type Line } from '../../src/ui/text/styled.js';
import { wrap } from '../../src/ui/text/wrap.js';
import { footerLine } from '../../src/ui/views/frame.js';

const widest = (lines: Line[]): number => Math.max(0, ...lines.map(lineWidth));
const squeezed = (s: string): string => s.replace(/\s+/g, '');

const ZH =
  '命名空间决定进程能看到什么，控制组决定它能使用多少。容器就是一个普通的进程，内核向它展示了系统的另一幅图景：其他进程被隐藏，主机名是它自己的。';
const RU =
  'Пространства имён решают, что процесс может видеть. Контрольные группы решают, сколько он может потреблять.';

describe('wide characters', () => {
  test('Chinese without spaces fills each line and breaks between characters', () => {
    for (let width = 6; width <= 60; width++) {
      const lines = wrap([seg(ZH)], width);
      expect(widest(lines)).toBeLessThanOrEqual(width);
      expect(squeezed(linesText(lines))).toBe(ZH);
      // Every line but the last is full, give or take the one cell a wide character needs,
      // and one more character kept with punctuation.
      for (const line of lines.slice(0, -1))
        expect(lineWidth(line)).toBeGreaterThanOrEqual(width - 3);
      for (const l of linesText(lines).split('\n')) expect(l).not.toMatch(/^[，。：）」]/);
    }
  });

  test('without the wide-character breaks a Chinese paragraph would be one word, cut short lines', () => {
    // After "`unshare` " the old rule moved the whole paragraph to the next line.
    const lines = wrap([seg('用 '), seg('unshare', { color: 'string' }), seg(' ' + ZH)], 30);
    expect(lineWidth(lines[0] ?? [])).toBeGreaterThanOrEqual(27);
  });

  test('Chinese and Latin mixed: a break may fall between them, words stay whole', () => {
    const md =
      '运行 `unshare --uts` 命令，然后用 hostname 查看主机名，最后用 nsenter 进入命名空间。';
    for (let width = 12; width <= 40; width++) {
      const out = linesText(renderMarkdown(md, width));
      expect(widest(renderMarkdown(md, width))).toBeLessThanOrEqual(width);
      expect(out).not.toMatch(/hostnam\n|nsente\n/);
    }
  });

  test('source lines of a Chinese paragraph are joined without a space', () => {
    expect(linesText(renderMarkdown('容器是\n一个进程。', 80))).toBe('容器是一个进程。');
    expect(linesText(renderMarkdown('A container\nis a process.', 80))).toBe(
      'A container is a process.',
    );
  });

  test('a table of Chinese and Russian cells is drawn as a table within the width', () => {
    const md = [
      '| 类型 | 隔离的内容 | Что изолирует |',
      '| ---- | -------- | ---- |',
      '| `pid` | 进程编号 | номера процессов |',
      '| `net` | 网络接口、地址、路由、防火墙规则和套接字 | сетевые интерфейсы, адреса, маршруты |',
    ].join('\n');
    for (const width of [30, 40, 60, 80]) {
      const lines = renderMarkdown(md, width);
      expect(widest(lines)).toBeLessThanOrEqual(width);
      const text = linesText(lines);
      expect(text).toContain('┌');
      // The box's right edge is in one column on every row of the table.
      const edges = new Set(
        lines.filter((l) => /[│┐┤┘]$/.test(linesText([l]))).map((l) => lineWidth(l)),
      );
      expect(edges.size).toBe(1);
    }
  });

  test('Russian wraps at spaces like English', () => {
    // From the width of its longest word on (a longer word is cut, in any language).
    for (let width = 13; width <= 50; width++) {
      const lines = wrap([seg(RU)], width);
      expect(widest(lines)).toBeLessThanOrEqual(width);
      expect(linesText(lines).replace(/\n/g, ' ')).toBe(RU);
    }
  });

  test('a footer of wide labels fits its width, keeping the help and quit keys', () => {
    const hints = [
      { keys: 'c', id: 'check', label: '检查' },
      { keys: 'h', id: 'hint', label: '提示' },
      { keys: '1…9', id: 'run', label: '运行' },
      { keys: 'n/p', id: 'step', label: '步骤' },
      { keys: '?', id: 'keys', label: '按键' },
      { keys: 'q', id: 'quit', label: '退出' },
    ];
    for (const width of [20, 30, 40, 80]) {
      const line = footerLine(hints, width, undefined, 'Ctrl-T');
      expect(lineWidth(line)).toBe(width);
      const text = linesText([line]);
      if (width >= 30) expect(text).toMatch(/\? 按键 +q 退出/);
      if (width >= 80) expect(text).toContain('c 检查');
    }
  });
});

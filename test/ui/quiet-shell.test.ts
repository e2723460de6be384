/** The shell pane's notice while a new shell has printed nothing (src/ui/views/quiet-shell.ts). */
import { describe, expect, test } from '@jest/globals';
import type { ProcessLine } from '../../src/ui/state/live-view.js';
import { lineText } from '../../src/ui/text/styled.js';
import { quietShellLines } from '../../src/ui/views/quiet-shell.js';

const line = (pid: number, command: string): ProcessLine => ({
  pid,
  prefix: '',
  label: `${command.split(' ')[0]}(${pid})`,
  command,
  newNamespaces: [],
  notes: [],
});

describe('quietShellLines', () => {
  test('nothing while the shell has printed, or is quiet for less than 3 s', () => {
    expect(quietShellLines(undefined, [], 60)).toEqual([]);
    expect(quietShellLines(2999, [line(1, 'bash -i')], 60)).toEqual([]);
  });

  test('says for how long, and the newest three commands below the shell', () => {
    const tree = [
      line(10, 'bash --rcfile lab.bashrc -i'),
      line(11, 'bash /root/.pyenv/libexec/pyenv-rehash'),
      line(12, 'a'),
      line(13, 'b'),
      line(14, 'sleep\t0.1'),
    ];
    const text = quietShellLines(61_500, tree, 200).map(lineText);
    expect(text[0]).toMatch(/^The shell has printed nothing for 61 s/);
    expect(text[1]).toBe('Running now: a → b → sleep 0.1');
    expect(text[2]).toMatch(/^Ctrl-C in the shell/);
  });

  test('a shell with nothing below it: no "running now" line; lines fit the width', () => {
    const lines = quietShellLines(5000, [line(10, 'sh')], 30).map(lineText);
    expect(lines.some((l) => l.startsWith('Running now'))).toBe(false);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(30);
  });
});

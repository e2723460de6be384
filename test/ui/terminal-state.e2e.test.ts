/**
 * The learner's terminal while a screen runs (src/ui/app/terminal-state.ts), in a real pty:
 * entering makes it raw at once, before the first frame, so a Ctrl-D or Ctrl-C typed at a
 * prompt already on screen reaches the app as a key (a cooked terminal would turn them into
 * end-of-file and SIGINT); restoring gives the line discipline back.
 */
import { describe, expect, test } from '@jest/globals';
import { join } from 'node:path';
import * as pty from 'node-pty';
import { repoRoot } from '../../src/engine/repo.js';

const STATE = join(repoRoot, 'dist', 'ui', 'app', 'terminal-state.js');

/** stty's view of the pty at each point, and the line after it ends. */
const SCRIPT = `
const { spawnSync } = require('node:child_process');
const stty = (what) => {
  const r = spawnSync('stty', ['-a'], { stdio: [0, 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(what + ':' + (/-icanon/.test(r.stdout) ? 'raw' : 'cooked') + ',' +
    (/-isig/.test(r.stdout) ? 'nosig' : 'sig') + '\\n');
};
import(${JSON.stringify(STATE)}).then(({ TerminalState }) => {
  const t = new TerminalState(process.stdin, process.stdout);
  stty('before');
  t.enter();
  stty('entered');
  t.restore();
  stty('restored');
  process.exit(0);
});
`;

describe('the terminal while a screen runs', () => {
  test('is raw from the moment the screen is entered, and cooked again after', async () => {
    const proc = pty.spawn(process.execPath, ['-e', SCRIPT], { cols: 80, rows: 24 });
    let out = '';
    proc.onData((d) => (out += d));
    await new Promise<void>((resolve) => proc.onExit(() => resolve()));
    const states = [...out.matchAll(/(before|entered|restored):(\w+),(\w+)/g)].map((m) =>
      m.slice(1).join(' '),
    );
    expect(states).toEqual(['before cooked sig', 'entered raw nosig', 'restored cooked sig']);
  });
});

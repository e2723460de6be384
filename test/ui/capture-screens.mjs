#!/usr/bin/env node
// Text captures of the real screens for the README: runs bin/contlab in a pseudo-terminal
// (80x24 unless said otherwise), drives it like a learner, and writes what a headless xterm
// shows to docs/screens/*.txt. Run as root after npm run build:ts:
//   node test/ui/capture-screens.mjs
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const out = join(repo, 'docs', 'screens');
const base = mkdtempSync('/tmp/contlab-screens-');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function start(args, cols = 100, rows = 32) {
  const env = { ...process.env, CONTLAB_HOME: join(base, 'home'), CONTLAB_RUN: join(base, 'run') };
  env.TERM = 'xterm-256color';
  env.NO_COLOR = '1';
  delete env.CI;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const proc = pty.spawn(join(repo, 'bin', 'contlab'), args, {
    cols,
    rows,
    env,
    cwd: repo,
    name: 'xterm-256color',
  });
  let exited = false;
  term.onData((d) => proc.write(d));
  proc.onData((d) => term.write(d));
  proc.onExit(() => (exited = true));
  const text = () => {
    const b = term.buffer.active;
    const lines = [];
    for (let y = 0; y < rows; y++)
      lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n').replace(/\n+$/, '\n');
  };
  return {
    text,
    write: (s) => proc.write(s),
    async until(re, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!re.test(text())) {
        if (Date.now() > deadline) throw new Error(`no ${re}:\n${text()}`);
        await sleep(50);
      }
    },
    async type(s) {
      for (const ch of s) {
        proc.write(ch);
        await sleep(5);
      }
    },
    save(name) {
      writeFileSync(join(out, `${name}.txt`), text());
      process.stdout.write(`wrote docs/screens/${name}.txt\n`);
    },
    async quit(keys) {
      proc.write(keys);
      for (let i = 0; i < 400 && !exited; i++) await sleep(50);
      if (!exited) proc.kill('SIGTERM');
    },
  };
}

mkdirSync(out, { recursive: true });
try {
  // The home screen.
  const home = start([]);
  await home.until(/Enter start/);
  await sleep(300);
  home.save('home');
  await home.quit('q');

  // The lesson player: the PID-namespace step, unshare typed, the process panel.
  const player = start(['start', 'sample-namespaces'], 120, 36);
  await player.until(/lab:~[$#]/);
  player.write('\x14');
  player.write('n');
  await player.until(/2\. PID 1 again/);
  await player.type("unshare --fork --pid --mount-proc sh -c 'echo $$; sleep 30'\r");
  await player.until(/pid:new/);
  await sleep(1200);
  player.save('player-processes');
  player.write('\x14');
  player.write(']');
  await sleep(800);
  player.save('player-namespaces');
  player.write('\x03');
  await sleep(500);
  await player.type('clear\r');
  await sleep(300);
  await player.type('unshare --pid --fork --mount-proc sleep 3600 &\r');
  player.write('\x14');
  player.write('c');
  await player.until(/checkpoint passed/);
  await sleep(500);
  player.save('player-checkpoint');
  await player.quit('\x14q');

  // The player at 80x24: the lesson (a table) beside the shell; the panels one key away.
  const small = start(['start', 'namespaces'], 80, 24);
  await small.until(/lab:~[$#]/);
  await sleep(800);
  small.save('player-80x24');
  small.write('\x14');
  small.write('l');
  await small.until(/processes|procs/);
  await sleep(800);
  small.save('player-80x24-panels');
  await small.quit('\x14q');

  // Presenter mode, second slide.
  const present = start(['present', 'sample-namespaces'], 120, 36);
  await present.until(/0\/\d+\s*$/m);
  present.write(' ');
  present.write(' ');
  await present.until(/2\/\d+\s*$/m);
  await sleep(800);
  present.save('present');
  await present.quit('q');

  // The projector dashboard (no lab running: every lab's parent cgroup).
  const monitor = start(['monitor'], 120, 36);
  await monitor.until(/events/);
  await sleep(1500);
  monitor.save('monitor');
  await monitor.quit('q');

  // Below 80x24.
  const tiny = start([], 70, 20);
  await tiny.until(/enlarge/);
  tiny.save('too-small');
  await tiny.quit('q');
} finally {
  rmSync(base, { recursive: true, force: true });
}

#!/usr/bin/env node
// TUI benchmark, side by side in one run: time from bin/contlab launch to the first complete
// frame (home screen; lesson player with its shell), keystroke-to-echo latency in the
// embedded terminal (against bash alone in a pty), CPU while idle on a lesson with live
// panels, and resident memory. Medians. Build first (npm run build:ts); run as root:
//   node bench/ui.mjs [--quick] [--json]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';

const repo = fileURLToPath(new URL('..', import.meta.url));
const contlab = join(repo, 'bin', 'contlab');
const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');
const HOME_RUNS = quick ? 3 : 7;
const PLAYER_RUNS = quick ? 2 : 3;
const KEYS = quick ? 20 : 40;
const IDLE_WINDOWS = quick ? 2 : 3;
const IDLE_SECONDS = 5;
const COLS = 120;
const ROWS = 36;
const TICK = 100; // clock ticks a second (USER_HZ)
const base = mkdtempSync('/tmp/contlab-bench-');
const labEnv = { CONTLAB_HOME: join(base, 'home'), CONTLAB_RUN: join(base, 'run') };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function envFor() {
  const env = { ...process.env, ...labEnv, TERM: 'xterm-256color' };
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'GITHUB_ACTIONS']) delete env[k];
  return env;
}

/** A program in a pty whose screen is a headless xterm; `until(re)` resolves at the frame. */
function launch(file, args) {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const t0 = performance.now();
  const proc = pty.spawn(file, args, {
    cols: COLS,
    rows: ROWS,
    env: envFor(),
    cwd: repo,
    name: 'xterm-256color',
  });
  let waiters = [];
  let exited = false;
  const text = () => {
    const b = term.buffer.active;
    const lines = [];
    for (let y = 0; y < ROWS; y++)
      lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  term.onData((d) => proc.write(d));
  proc.onData((d) =>
    term.write(d, () => {
      const now = performance.now();
      const screen = text();
      waiters = waiters.filter((w) => (w.re.test(screen) ? (w.resolve(now), false) : true));
    }),
  );
  proc.onExit(() => (exited = true));
  return {
    proc,
    t0,
    text,
    until(re, ms = 60_000) {
      if (re.test(text())) return Promise.resolve(performance.now());
      return new Promise((resolve, reject) => {
        const w = { re, resolve };
        waiters.push(w);
        setTimeout(() => reject(new Error(`no ${re} within ${ms} ms:\n${text()}`)), ms).unref();
      });
    },
    async quit(keys) {
      proc.write(keys);
      for (let i = 0; i < 300 && !exited; i++) await sleep(50);
      if (!exited) proc.kill('SIGKILL');
    },
  };
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Types a character, waits for it on screen, erases it: keystroke-to-echo in ms. */
async function echoLatencies(app, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const marker = new RegExp(`[$#] ${ch}\\s*$`, 'm');
    const t0 = performance.now();
    app.proc.write(ch);
    const t1 = await app.until(marker, 5000);
    out.push(t1 - t0);
    app.proc.write('\x7f');
    await app.until(/[$#] ?\s*$/m, 5000);
    await sleep(30);
  }
  return out;
}

/** The 1-minute load average: a busy machine (a CI run) slows every number here. */
const loadavg = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

const results = { loadBefore: loadavg() };
try {
  // 1. Home screen: launch to the first frame with the lesson list and the footer.
  const home = [];
  for (let i = 0; i < HOME_RUNS; i++) {
    const app = launch(contlab, []);
    home.push((await app.until(/Enter start[\s\S]*/)) - app.t0);
    await app.quit('q');
  }
  results.homeFirstFrameMs = median(home);

  // 2. Lesson player: launch to the first frame with the lesson, the shell prompt and panels.
  const player = [];
  let echo = [];
  let idle = [];
  let rss = [];
  for (let i = 0; i < PLAYER_RUNS; i++) {
    const app = launch(contlab, ['start', 'sample-namespaces']);
    player.push((await app.until(/lab:.*[$#] [\s\S]*1 processes/)) - app.t0);
    await sleep(1500);
    if (i === 0) {
      echo = await echoLatencies(app, KEYS);
      await sleep(2000);
      for (let w = 0; w < IDLE_WINDOWS; w++) {
        const c0 = cpuTicks(app.proc.pid);
        const t0 = performance.now();
        await sleep(IDLE_SECONDS * 1000);
        const secs = (performance.now() - t0) / 1000;
        idle.push(((cpuTicks(app.proc.pid) - c0) / TICK / secs) * 100);
        rss.push(rssMiB(app.proc.pid));
      }
    }
    await app.quit('\x14q');
  }
  results.playerFirstFrameMs = median(player);
  results.echoMs = median(echo);
  results.echoP90Ms = [...echo].sort((a, b) => a - b)[Math.floor(echo.length * 0.9)];
  results.idleCpuPercent = median(idle);
  results.rssMiB = Math.max(...rss);

  // 3. The same keystrokes to bash alone in a pty: the floor the embedded terminal adds to.
  const bash = launch('/bin/bash', ['--norc', '--noprofile', '-i']);
  bash.proc.write("PS1='lab:$ '\r");
  await bash.until(/lab:\$ \s*$/m);
  results.bashEchoMs = median(await echoLatencies(bash, KEYS));
  await bash.quit('exit\r');
} finally {
  rmSync(base, { recursive: true, force: true });
}
results.loadAfter = loadavg();

const rows = [
  [
    'first frame, home (contlab)',
    `${results.homeFirstFrameMs.toFixed(0)} ms`,
    '< 300 ms',
    results.homeFirstFrameMs < 300,
  ],
  [
    'first frame, lesson player (contlab start)',
    `${results.playerFirstFrameMs.toFixed(0)} ms`,
    '< 300 ms',
    results.playerFirstFrameMs < 300,
  ],
  [
    'keystroke to echo, embedded terminal',
    `${results.echoMs.toFixed(1)} ms (p90 ${results.echoP90Ms.toFixed(1)})`,
    '< 30 ms',
    results.echoMs < 30,
  ],
  [
    'keystroke to echo, bash alone in a pty',
    `${results.bashEchoMs.toFixed(1)} ms`,
    '(reference)',
    true,
  ],
  [
    'CPU while idle on a lesson (live panels)',
    `${results.idleCpuPercent.toFixed(2)} % of a core`,
    '< 3 %',
    results.idleCpuPercent < 3,
  ],
  [
    'resident memory (the contlab process)',
    `${results.rssMiB.toFixed(0)} MB`,
    '< 150 MB',
    results.rssMiB < 150,
  ],
];
if (asJson) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
else {
  const w = [44, 26, 12];
  process.stdout.write(`${'measure'.padEnd(w[0])}${'median'.padEnd(w[1])}${'goal'.padEnd(w[2])}\n`);
  for (const [name, value, goal, ok] of rows)
    process.stdout.write(
      `${name.padEnd(w[0])}${value.padEnd(w[1])}${goal.padEnd(w[2])}${ok ? '✓' : '✗'}\n`,
    );
  process.stdout.write(
    `(load average ${results.loadBefore.toFixed(2)} before, ${results.loadAfter.toFixed(2)} after, on ${cpus().length} CPUs)\n`,
  );
}
process.exit(0);

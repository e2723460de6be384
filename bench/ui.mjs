#!/usr/bin/env node
// TUI benchmark, side by side in one run: time from bin/contlab launch to the first complete
// frame (home screen; lesson player with its shell), beside the floors it is compared with,
// launched in the same rounds: `node -e ''` (launch to exit) and an Ink hello-world bundled
// and started like contlab, with its code cache (launch to its frame); keystroke-to-echo latency in the embedded terminal
// (against bash alone in a pty), CPU while idle on a lesson with live panels, and resident
// memory. Medians. It builds the CLI bundle itself (scripts/bundle.mjs); run as root:
//   node bench/ui.mjs [--quick] [--frames] [--json] [--baseline DIR]
// --frames measures the first frames and their floors only (no echo, idle CPU or memory).
// The player's runs also report where its time goes: the stage marks contlab writes with
// CONTLAB_STARTUP_MARKS set (src/engine/startup-marks.ts), medians in ms from its start.
// --baseline DIR also starts DIR/bin/contlab (another checkout, built) in the same rounds:
// before and after a change, side by side under the same load.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as pty from 'node-pty';
import xterm from '@xterm/headless';
import { bundle, bundleCli } from '../scripts/bundle.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const contlab = join(repo, 'bin', 'contlab');
const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');
const framesOnly = process.argv.includes('--frames');
const baselineAt = process.argv.indexOf('--baseline');
const baseline =
  baselineAt === -1
    ? undefined
    : join(resolve(process.argv[baselineAt + 1] ?? '.'), 'bin', 'contlab');
const HOME_RUNS = quick ? 5 : 11;
const PLAYER_RUNS = quick ? 3 : 5;
const KEYS = quick ? 20 : 40;
const IDLE_WINDOWS = quick ? 2 : 3;
const IDLE_SECONDS = 5;
const COLS = 120;
const ROWS = 36;
const TICK = 100; // clock ticks a second (USER_HZ)
const base = mkdtempSync('/tmp/contlab-bench-');
// HOME: an empty one. The lab shell reads the learner's own ~/.bashrc, and this machine's
// (pyenv init) alone takes 0.5-1.5 s: the learner's start-up file is not contlab's to time.
const labEnv = {
  CONTLAB_HOME: join(base, 'home'),
  CONTLAB_RUN: join(base, 'run'),
  HOME: join(base, 'user'),
};
mkdirSync(labEnv.HOME);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The baseline's own lab home: each version keeps its own lesson catalog cache there.
const baselineEnv = {
  CONTLAB_HOME: join(base, 'home-baseline'),
  CONTLAB_RUN: join(base, 'run-baseline'),
};

function envFor(file) {
  const env = { ...process.env, ...labEnv, TERM: 'xterm-256color' };
  if (file === baseline) Object.assign(env, baselineEnv);
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'GITHUB_ACTIONS']) delete env[k];
  return env;
}

/** A program in a pty whose screen is a headless xterm; `until(re)` resolves at the frame. */
function launch(file, args, extraEnv = {}) {
  const term = new xterm.Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const t0 = performance.now();
  const proc = pty.spawn(file, args, {
    cols: COLS,
    rows: ROWS,
    env: { ...envFor(file), ...extraEnv },
    cwd: repo,
    name: 'xterm-256color',
  });
  let waiters = [];
  let exited = false;
  let cpuAtFrame = NaN;
  const frameSeen = () => (cpuAtFrame = cpuMs(proc.pid));
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
      waiters = waiters.filter((w) =>
        w.re.test(screen) ? (frameSeen(), w.resolve(now), false) : true,
      );
    }),
  );
  proc.onExit(() => (exited = true));
  return {
    proc,
    t0,
    text,
    /** CPU time the program had used when the last awaited frame showed (ms). */
    cpuAtFrame: () => cpuAtFrame,
    until(re, ms = 60_000) {
      if (re.test(text())) return Promise.resolve((frameSeen(), performance.now()));
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

/** CPU time (user + system) a live process has used, in ms; NaN once it is gone. */
function cpuMs(pid) {
  try {
    return (cpuTicks(pid) * 1000) / TICK;
  } catch {
    return NaN;
  }
}

/** The player's contlab-procwatch (the timeline's process events): its child by that name. */
function procwatchOf(pid) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && stat.includes('(contlab-procwat')) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Launch to exit of `node -e ''`: what any Node program pays before its first line runs. */
async function nodeEmpty() {
  const app = launch(process.execPath, ['-e', '']);
  const exited = new Promise((resolve) => app.proc.onExit(() => resolve(performance.now())));
  return (await exited) - app.t0;
}

/**
 * Launch to the first frame of the bundled Ink hello-world (bench/fixtures/ink-hello.mjs),
 * and the CPU time it had used by then (less bent by a busy machine than the wall time).
 */
async function inkHello(script, linger = 0) {
  const app = launch(process.execPath, [script]);
  const t = (await app.until(/Hello, world/)) - app.t0;
  const cpu = app.cpuAtFrame();
  await sleep(linger);
  await app.quit('q');
  return { t, cpu };
}

/** Launch to the home screen's first frame (the lesson list and its footer), and its CPU time. */
async function homeFrame(bin = contlab, linger = 0) {
  const app = launch(bin, []);
  const t = (await app.until(/Enter start[\s\S]*/)) - app.t0;
  const cpu = app.cpuAtFrame();
  await sleep(linger);
  await app.quit('q');
  return { t, cpu };
}

/** Launch to the player's first frame: the lesson, the shell prompt and the panels. */
async function playerFrame(bin = contlab, linger = 0) {
  const app = launch(bin, ['start', 'sample-namespaces']);
  const t = (await app.until(/lab:.*[$#] [\s\S]*processes/)) - app.t0;
  const cpu = app.cpuAtFrame();
  await sleep(linger);
  await app.quit('\x14q');
  return { t, cpu };
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

/**
 * The stage marks of the launched players (PID STAGE MS lines; the programs they start
 * write theirs too, with other PIDs): each stage's median time from the player's start,
 * in the order they came.
 */
function stageMedians(file, pids) {
  const times = new Map();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  for (const line of text.split('\n')) {
    const m = /^(\d+) (.+) ([\d.]+)$/.exec(line);
    if (m === null || !pids.includes(Number(m[1]))) continue;
    times.set(m[2], [...(times.get(m[2]) ?? []), Number(m[3])]);
  }
  const stages = [...times].map(([stage, ts]) => [stage, median(ts)]);
  return Object.fromEntries(stages.sort((a, b) => a[1] - b[1]));
}

/** The 1-minute load average: a busy machine (a CI run) slows every number here. */
const loadavg = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

// bin/contlab runs the newer of the bundle and tsc's output: bundle now, so the bench
// measures the bundle of the source as it is.
await bundleCli();
const results = { loadBefore: loadavg() };
const ratio = (a, b) => a / b;
try {
  const hello = join(base, 'ink-hello');
  mkdirSync(hello);
  await bundle({ 'ink-hello': 'bench/fixtures/ink-hello.mjs' }, hello);
  // Started as bin/contlab starts its bundle: through run-bundle.cjs, with a code cache.
  const helloScript = join(hello, 'run.mjs');
  writeFileSync(
    helloScript,
    `import { runBundle } from ${JSON.stringify(pathToFileURL(join(repo, 'bin', 'run-bundle.cjs')).href)};\n` +
      `runBundle(${JSON.stringify(join(hello, 'ink-hello.cjs'))}, 'hello');\n`,
  );

  // 1. The home screen and its two floors, launched in turn in each round: a machine that is
  //    busier in one round slows all three alike.
  const empty = [];
  const ink = [];
  const home = [];
  const before = { home: [], player: [] };
  // The first start of each writes the lesson catalog's cache and, staying a second and a
  // half, the code cache of its kind of run (bin/run-bundle.cjs): what a learner's every
  // start after the first one finds.
  const LINGER = 1500;
  await homeFrame(contlab, LINGER);
  await playerFrame(contlab, LINGER);
  await inkHello(helloScript, LINGER);
  if (baseline !== undefined) {
    await homeFrame(baseline, LINGER);
    await playerFrame(baseline, LINGER);
  }
  for (let i = 0; i < HOME_RUNS; i++) {
    empty.push(await nodeEmpty());
    ink.push(await inkHello(helloScript));
    home.push(await homeFrame());
    if (baseline !== undefined) before.home.push(await homeFrame(baseline));
  }
  results.nodeEmptyMs = median(empty);
  results.inkHelloMs = median(ink.map((r) => r.t));
  results.homeFirstFrameMs = median(home.map((r) => r.t));

  // 2. Lesson player: launch to the first frame with the lesson, the shell prompt and panels.
  const player = [];
  const playerCpu = [];
  const marksFile = join(base, 'startup-marks');
  const launched = [];
  const step = [];
  let echo = [];
  let idle = [];
  const idleTimeline = [];
  let rss = [];
  for (let i = 0; i < PLAYER_RUNS; i++) {
    const app = launch(contlab, ['start', 'sample-namespaces'], {
      CONTLAB_STARTUP_MARKS: marksFile,
    });
    launched.push(app.proc.pid);
    player.push((await app.until(/lab:.*[$#] [\s\S]*processes/)) - app.t0);
    playerCpu.push(app.cpuAtFrame());
    // The first step's text, once its setup ran (the frame above says "preparing the step").
    step.push((await app.until(/step 1\/\d[\s\S]*lab:.*[$#] /)) - app.t0);
    if (i === 0 && !framesOnly) {
      await sleep(1500);
      echo = await echoLatencies(app, KEYS);
      await sleep(2000);
      // The timeline's helper wakes for every process event on the host (this machine's
      // other work included): its CPU is counted beside the player's.
      const helper = procwatchOf(app.proc.pid);
      const helperTicks = () => (helper === undefined ? NaN : cpuTicks(helper));
      for (let w = 0; w < IDLE_WINDOWS; w++) {
        const c0 = cpuTicks(app.proc.pid);
        const h0 = helperTicks();
        const t0 = performance.now();
        await sleep(IDLE_SECONDS * 1000);
        const secs = (performance.now() - t0) / 1000;
        idle.push(((cpuTicks(app.proc.pid) - c0) / TICK / secs) * 100);
        idleTimeline.push(((helperTicks() - h0) / TICK / secs) * 100);
        rss.push(rssMiB(app.proc.pid));
      }
    }
    await app.quit('\x14q');
    if (baseline !== undefined) before.player.push(await playerFrame(baseline));
    // The floors again, in the player's rounds too.
    empty.push(await nodeEmpty());
    ink.push(await inkHello(helloScript));
  }
  results.playerFirstFrameMs = median(player);
  results.playerStagesMs = stageMedians(marksFile, launched);
  results.playerStepShownMs = median(step);
  results.nodeEmptyAllMs = median(empty);
  results.inkHelloAllMs = median(ink.map((r) => r.t));
  results.cpuToFirstFrameMs = {
    inkHello: median(ink.map((r) => r.cpu)),
    home: median(home.map((r) => r.cpu)),
    player: median(playerCpu),
  };
  if (baseline !== undefined)
    results.baseline = {
      dir: dirname(dirname(baseline)),
      homeFirstFrameMs: median(before.home.map((r) => r.t)),
      playerFirstFrameMs: median(before.player.map((r) => r.t)),
      cpuToFirstFrameMs: {
        home: median(before.home.map((r) => r.cpu)),
        player: median(before.player.map((r) => r.cpu)),
      },
    };
  results.home = {
    overNodeEmpty: ratio(results.homeFirstFrameMs, results.nodeEmptyMs),
    overInkHello: ratio(results.homeFirstFrameMs, results.inkHelloMs),
  };
  results.player = {
    overNodeEmpty: ratio(results.playerFirstFrameMs, results.nodeEmptyAllMs),
    overInkHello: ratio(results.playerFirstFrameMs, results.inkHelloAllMs),
  };
  if (!framesOnly) {
    results.echoMs = median(echo);
    results.echoP90Ms = [...echo].sort((a, b) => a - b)[Math.floor(echo.length * 0.9)];
    results.idleCpuPercent = median(idle);
    results.idleProcwatchCpuPercent = median(idleTimeline);
    results.idleWithTimelineCpuPercent = results.idleCpuPercent + results.idleProcwatchCpuPercent;
    results.rssMiB = Math.max(...rss);

    // 3. The same keystrokes to bash alone in a pty: the floor the embedded terminal adds to.
    const bash = launch('/bin/bash', ['--norc', '--noprofile', '-i']);
    bash.proc.write("PS1='lab:$ '\r");
    await bash.until(/lab:\$ \s*$/m);
    results.bashEchoMs = median(await echoLatencies(bash, KEYS));
    await bash.quit('exit\r');
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
results.loadAfter = loadavg();

const ms = (x) => `${x.toFixed(0)} ms`;
const times = (r) => `${r.overNodeEmpty.toFixed(1)}× node, ${r.overInkHello.toFixed(2)}× ink`;
const rows = [
  ["node -e '' (launch to exit)", ms(results.nodeEmptyMs), '(floor)', true],
  ['Ink hello-world, bundled (first frame)', ms(results.inkHelloMs), '(floor)', true],
  [
    'first frame, home (contlab)',
    `${ms(results.homeFirstFrameMs)} (${times(results.home)})`,
    '<= 250 ms',
    results.homeFirstFrameMs <= 250,
  ],
  [
    'first frame, lesson player (contlab start)',
    `${ms(results.playerFirstFrameMs)} (${times(results.player)})`,
    '<= 300 ms',
    results.playerFirstFrameMs <= 300,
  ],
  ['lesson player: its first step shown', ms(results.playerStepShownMs), '(after setup)', true],
  ...Object.entries(results.playerStagesMs).map(([stage, t]) => [
    `  player's stage: ${stage}`,
    `at ${t.toFixed(0)} ms`,
    '(from start)',
    true,
  ]),
  [
    'CPU to first frame: Ink hello / home / player',
    [
      results.cpuToFirstFrameMs.inkHello,
      results.cpuToFirstFrameMs.home,
      results.cpuToFirstFrameMs.player,
    ]
      .map((x) => x.toFixed(0))
      .join(' / ') + ' ms',
    '(10 ms ticks)',
    true,
  ],
];
if (results.baseline !== undefined)
  rows.push(
    [
      'baseline: first frame, home',
      `${ms(results.baseline.homeFirstFrameMs)} (${results.baseline.cpuToFirstFrameMs.home.toFixed(0)} ms CPU)`,
      '(before)',
      true,
    ],
    [
      'baseline: first frame, lesson player',
      `${ms(results.baseline.playerFirstFrameMs)} (${results.baseline.cpuToFirstFrameMs.player.toFixed(0)} ms CPU)`,
      '(before)',
      true,
    ],
  );
if (!framesOnly)
  rows.push(
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
      '  of it and the timeline helper (procwatch)',
      `${results.idleWithTimelineCpuPercent.toFixed(2)} % (helper ${results.idleProcwatchCpuPercent.toFixed(2)} %)`,
      '< 2 %',
      results.idleWithTimelineCpuPercent < 2,
    ],
    [
      'resident memory (the contlab process)',
      `${results.rssMiB.toFixed(0)} MB`,
      '< 150 MB',
      results.rssMiB < 150,
    ],
  );
if (asJson) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
else {
  const w = [46, 34, 15];
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

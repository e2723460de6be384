#!/usr/bin/env node
// Observer benchmark: one full scan (processes + tree + namespace table) against `lsns` and
// `pstree -p` on a host with 500+ extra processes, and the CPU cost of the sampler at 4 Hz.
// Build first (npx tsc -p tsconfig.build.json), run as root: node bench/observer.mjs [--quick]
import { execFile, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const { scanProcesses, buildTree, namespaceTable, Sampler, syncSource } = await import(
  new URL('../dist/engine/observer/index.js', import.meta.url).href
);

const quick = process.argv.includes('--quick');
const EXTRA = 500;
const RUNS = 15;
const SAMPLE_SECONDS = quick ? 10 : 60;
const run = promisify(execFile);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function timed(fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// The extra processes are ours alone: started here, killed by PID in `finally`.
const children = [];
function killChildren() {
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('SIGINT', () => {
  killChildren();
  process.exit(130);
});

try {
  for (let i = 0; i < EXTRA; i++) {
    children.push(spawn('sleep', ['3600'], { stdio: 'ignore', argv0: 'contlab-bench-sleep' }));
  }
  await new Promise((r) => setTimeout(r, 500));
  const processes = (await scanProcesses()).length;

  const fullScan = async () => {
    const all = await scanProcesses();
    buildTree(all);
    namespaceTable(all);
  };
  const fullScanSync = async () => {
    const all = await scanProcesses({ source: syncSource });
    buildTree(all);
    namespaceTable(all);
  };
  await fullScan(); // warm-up (JIT, dentry caches)
  await fullScanSync();
  const observerMs = await timed(fullScan);
  const observerSyncMs = await timed(fullScanSync);
  const lsnsMs = await timed(() => run('lsns', [], { maxBuffer: 1 << 24 }));
  const pstreeMs = await timed(() => run('pstree', ['-p'], { maxBuffer: 1 << 24 }));

  const sampler = new Sampler({ hz: 4 });
  let ticks = 0;
  let tickMs = 0;
  sampler.on('tick', (e) => {
    ticks++;
    tickMs += e.durationMs;
  });
  await sampler.start();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  ticks = 0;
  tickMs = 0;
  await new Promise((r) => setTimeout(r, SAMPLE_SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - wall0;
  sampler.stop();
  const cpuPct = ((cpu.user + cpu.system) / 1000 / wall) * 100;

  const f = (n) => n.toFixed(1);
  console.log(`processes on the host during the run: ${processes} (${EXTRA} extra sleepers)`);
  console.log(`median of ${RUNS} runs:`);
  console.log(`  observer full scan, async reads (UI path):      ${f(observerMs)} ms`);
  console.log(
    `  observer full scan, sync reads (inspect, CLI):  ${f(observerSyncMs)} ms  (sync/lsns ${f(observerSyncMs / lsnsMs)}x)`,
  );
  console.log(
    `  lsns:                                           ${f(lsnsMs)} ms  (observer/lsns ${f(observerMs / lsnsMs)}x)`,
  );
  console.log(
    `  pstree -p:                                      ${f(pstreeMs)} ms  (observer/pstree ${f(observerMs / pstreeMs)}x)`,
  );
  console.log(
    `sampler at 4 Hz for ${SAMPLE_SECONDS} s: ${ticks} ticks, mean tick ${f(tickMs / Math.max(ticks, 1))} ms`,
  );
  console.log(
    `  CPU: ${f((cpu.user + cpu.system) / 1000)} ms over ${f(wall / 1000)} s = ${cpuPct.toFixed(2)}% of one core (goal < 2%)`,
  );
} finally {
  killChildren();
}

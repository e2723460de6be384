#!/usr/bin/env node
// Classroom load: the real `contlab class serve` (its own process, on loopback) with 100
// attendees (the real join client) each sending its state 4 times a second for 60 s, and
// one dashboard on the server-sent events stream, as the projector has. Reports the
// server's CPU (from /proc, over the measured window) and the update-to-dashboard latency:
// from an attendee's send to the first dashboard frame that shows it (median, p90, p99,
// max). Goal: under 5 % of a core, p99 under 200 ms. Build first (npm run build:ts):
//   node bench/class.mjs [--quick] [--json] [--attendees N] [--hz N] [--seconds N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { ClassClient } = await import(join(repo, 'dist', 'class', 'client.js'));
const { lessonInfo } = await import(join(repo, 'dist', 'class', 'reporter.js'));
const { loadLesson } = await import(join(repo, 'dist', 'lessons', 'index.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');
const ATTENDEES = arg('--attendees', 100);
const HZ = arg('--hz', 4);
const SECONDS = arg('--seconds', quick ? 10 : 60);
const WARMUP_MS = 3000;
const TICK = 100; // clock ticks a second (USER_HZ)
const base = mkdtempSync('/tmp/contlab-bench-class-');
const env = {
  ...process.env,
  CONTLAB_HOME: join(base, 'home'),
  CONTLAB_RUN: join(base, 'run'),
  NO_COLOR: '1',
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const quantile = (xs, q) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}
function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startServer() {
  const file = join(base, 'room.json');
  const child = spawn(
    join(repo, 'bin', 'contlab'),
    ['class', 'serve', '--host', '127.0.0.1', '--port', '0', '--no-qr', '--file', file],
    { env },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  for (let i = 0; i < 200; i++) {
    const join_ = /contlab class join 127\.0\.0\.1:(\d+) (\w+)/.exec(out);
    const key = /\/\?key=([\w-]+)/.exec(out);
    if (join_ && key) return { child, port: Number(join_[1]), code: join_[2], key: key[1] };
    await sleep(50);
  }
  throw new Error(`the server did not start:\n${out}`);
}

/** The projector: reads the SSE stream, and records when each attendee's seq shows up. */
function dashboard(port, key, onRoom) {
  return new Promise((resolve, reject) => {
    const req = get(`http://127.0.0.1:${port}/events?key=${key}`, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buf += chunk;
        let end;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) onRoom(JSON.parse(data.slice(6)), performance.now(), frame.length);
        }
      });
      resolve(req);
    });
    req.on('error', reject);
  });
}

/** An attendee's state on step `step` of lesson 02, with its checks flipping as it works. */
function stateOf(info, n, tick) {
  const step = 1 + (Math.floor(tick / 40) % info.steps.length);
  const steps = {};
  for (const s of info.steps.slice(0, step))
    steps[s.id] = {
      timeMs: 60_000,
      passed: s !== info.steps[step - 1],
      passMs: 50_000 + n * 100,
      hints: n % 3,
      solution: n % 7 === 0,
      skipped: false,
    };
  return {
    lesson: info.id,
    step,
    onStepMs: (tick % 40) * 250,
    sinceProgressMs: (tick % 8) * 250,
    checks: [
      {
        name: 'own-pids',
        ok: tick % 2 === 0,
        explain:
          'start sleep 3800 & from the shell you started with unshare --fork --pid --mount-proc bash',
      },
      {
        name: 'two-numbers',
        ok: tick % 3 === 0,
        explain: 'the sleep must have a host PID and a PID in the new namespace',
      },
    ],
    steps,
    following: true,
  };
}

async function main() {
  const info = lessonInfo({ lesson: loadLesson('namespaces') });
  const server = await startServer();
  const sent = Array.from({ length: ATTENDEES }, () => new Map()); // seq -> time sent
  const seen = new Array(ATTENDEES).fill(0);
  const latencies = [];
  let frames = 0;
  let frameBytes = 0;
  let measuring = false;
  const byName = new Map();

  const stream = await dashboard(server.port, server.key, (room, at, bytes) => {
    if (measuring) {
      frames++;
      frameBytes += bytes;
    }
    for (const row of room.attendees) {
      const i = byName.get(row.name);
      if (i === undefined || row.seq <= seen[i]) continue;
      for (let s = seen[i] + 1; s <= row.seq; s++) {
        const t = sent[i].get(s);
        if (t !== undefined) {
          if (t.measured) latencies.push(at - t.at);
          sent[i].delete(s);
        }
      }
      seen[i] = row.seq;
    }
  });

  const clients = [];
  for (let i = 0; i < ATTENDEES; i++) {
    const name = `attendee-${String(i).padStart(3, '0')}`;
    byName.set(name, i);
    const c = new ClassClient({
      address: { host: '127.0.0.1', port: server.port },
      code: server.code,
      name,
      attendee: `bench-attendee-${i}`,
    });
    await c.join();
    c.setLesson(info);
    clients.push(c);
  }

  const period = 1000 / HZ;
  let ticks = 0;
  const timers = clients.map((c, i) => {
    let tick = 0;
    const send = () => {
      c.update(stateOf(info, i, tick++));
      sent[i].set(c.lastSeq, { at: performance.now(), measured: measuring });
      ticks++;
    };
    // Attendees do not all send at the same instant: a random phase each.
    const start = setTimeout(() => {
      send();
      timers[i] = setInterval(send, period);
    }, Math.random() * period);
    return start;
  });

  await sleep(WARMUP_MS);
  measuring = true;
  const cpu0 = cpuTicks(server.child.pid);
  const t0 = performance.now();
  const sent0 = ticks;
  await sleep(SECONDS * 1000);
  const cpu1 = cpuTicks(server.child.pid);
  const wall = (performance.now() - t0) / 1000;
  const updates = ticks - sent0;
  measuring = false;
  for (const t of timers) clearInterval(t);
  await sleep(500); // the last updates reach the dashboard
  const rss = rssMiB(server.child.pid);
  for (const c of clients) c.stop();
  stream.destroy();
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
  rmSync(base, { recursive: true, force: true });

  const result = {
    attendees: ATTENDEES,
    hz: HZ,
    seconds: SECONDS,
    cpuModel: cpus()[0]?.model,
    updatesPerSecond: updates / wall,
    serverCpuPercentOfCore: ((cpu1 - cpu0) / TICK / wall) * 100,
    serverRssMiB: rss,
    dashboardFramesPerSecond: frames / wall,
    dashboardKiBPerSecond: frameBytes / 1024 / wall,
    latencyMs: {
      delivered: latencies.length,
      median: quantile(latencies, 0.5),
      p90: quantile(latencies, 0.9),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
    },
  };
  if (asJson) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const f = (n, d = 1) => n.toFixed(d);
  const l = result.latencyMs;
  process.stdout.write(
    [
      `class server, ${ATTENDEES} attendees at ${HZ} Hz for ${SECONDS} s (${result.cpuModel}, ${cpus().length} cores)`,
      `  updates received        ${f(result.updatesPerSecond, 0)} /s`,
      `  server CPU              ${f(result.serverCpuPercentOfCore)} % of a core   (goal: under 5 %)`,
      `  server memory (RSS)     ${f(rss, 0)} MiB`,
      `  dashboard frames        ${f(result.dashboardFramesPerSecond)} /s, ${f(result.dashboardKiBPerSecond, 0)} KiB/s`,
      `  update -> dashboard     median ${f(l.median)} ms, p90 ${f(l.p90)} ms, p99 ${f(l.p99)} ms, max ${f(l.max)} ms   (goal: p99 under 200 ms; ${l.delivered} updates)`,
    ].join('\n') + '\n',
  );
}

await main();

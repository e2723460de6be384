#!/usr/bin/env node
// Runtime benchmark: on one bundle (the lab's busybox rootfs, `runc spec`'s config running
// /bin/true), in one run, interleaved so that drift hits every runtime alike:
//   - `run` (create + start + wait + delete in one command),
//   - create -> start -> delete --force (three commands, as containerd's shim does),
// for contlab-runtime, runc and crun, and the bare-syscall floor
// `unshare --fork --pid --mount --uts --ipc --net chroot ROOTFS /bin/true`.
// Prints medians and ratios. Build first (npm run build), run as root:
//   node bench/runtime.mjs [--runs N] [--quick] [--also NAME=PATH]
//
// crun refuses a "hybrid" host (v1 controllers plus a v2 tree with controllers in it, as
// here). Where it does, it is measured from a helper process in a private mount namespace
// without that v2 mount (crun then sees plain v1), timed the same way; the table says so.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const { writeRootfs } = await import(
  new URL('../dist/engine/image/rootfs.js', import.meta.url).href
);

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : args.includes('--quick') ? 10 : 40;
const ours = new URL('../bin/contlab-runtime', import.meta.url).pathname;
const which = (cmd) =>
  spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const base = mkdtempSync('/tmp/contlab-bench-rt-');
// State dirs on tmpfs, where runtimes keep them in real use (/run/containerd/runc/...,
// /run/docker/...: /run is a tmpfs on most hosts). /dev/shm is one everywhere.
const stateBase = mkdtempSync('/dev/shm/contlab-bench-rt-');
const cgroupParent = `contlab/bench-rt-${process.pid}`;

const cgroupTops = () => {
  const root = '/sys/fs/cgroup';
  return existsSync(join(root, 'cgroup.controllers'))
    ? [root]
    : readdirSync(root).map((h) => join(root, h));
};
// The containers' parent cgroup exists beforehand, as in real use (the lab's session
// cgroup, /docker, kubepods): no runtime makes and removes it on every run. What this
// creates (the parent, and `contlab` where it was missing) goes at the end.
const madeCgroups = [];
function makeCgroupParent() {
  for (const top of cgroupTops()) {
    let dir = top;
    for (const part of cgroupParent.split('/')) {
      dir = join(dir, part);
      if (!existsSync(dir)) {
        mkdirSync(dir);
        madeCgroups.unshift(dir);
      }
    }
  }
}

/** Removes the benchmark's cgroups in every hierarchy (runc leaves parents behind). */
function removeCgroups() {
  for (const top of cgroupTops()) {
    const dir = join(top, cgroupParent);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) rmdirSync(join(dir, e.name));
  }
  for (const dir of madeCgroups) if (existsSync(dir)) rmdirSync(dir);
}

let worker = null;
function cleanup() {
  try {
    worker?.stdin.end();
    removeCgroups();
  } finally {
    rmSync(base, { recursive: true, force: true });
    rmSync(stateBase, { recursive: true, force: true });
  }
}
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

// stderr goes to a file, not a pipe: a created container keeps the stdio it was given, so
// a pipe would only reach EOF when the container exits (after `start`).
function sh(cmd, argv) {
  const errFile = join(base, 'stderr');
  const fd = openSync(errFile, 'w');
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', fd] });
  const ms = performance.now() - t0;
  closeSync(fd);
  return { ms, code: r.status, stderr: readFileSync(errFile, 'utf8') };
}

// The same sh(), in a node helper inside `unshare -m` with /sys/fs/cgroup/unified
// unmounted (that namespace only). One JSON line per command each way.
const WORKER = `
const { spawnSync } = require('node:child_process');
const { openSync, closeSync, readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const { cmd, argv, errFile } = JSON.parse(line);
  const fd = openSync(errFile, 'w');
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'ignore', fd] });
  const ms = performance.now() - t0;
  closeSync(fd);
  process.stdout.write(JSON.stringify({ ms, code: r.status, stderr: readFileSync(errFile, 'utf8') }) + '\\n');
});`;

function startWorker() {
  const child = spawn(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      'umount /sys/fs/cgroup/unified && exec "$0" -e "$1"',
      process.execPath,
      WORKER,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (l) => waiting.shift()?.(JSON.parse(l)));
  return {
    stdin: child.stdin,
    sh: (cmd, argv) =>
      new Promise((res) => {
        waiting.push(res);
        child.stdin.write(
          `${JSON.stringify({ cmd, argv, errFile: join(base, 'stderr-worker') })}\n`,
        );
      }),
  };
}

try {
  const rootfs = join(base, 'rootfs');
  writeRootfs(rootfs);
  const bundle = join(base, 'bundle');
  spawnSync('mkdir', ['-p', bundle]);
  spawnSync(ours, ['spec', '--bundle', bundle], { stdio: 'inherit' });
  const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  config.process.terminal = false;
  config.process.args = ['/bin/true'];
  config.root.path = rootfs;
  config.linux.cgroupsPath = `/${cgroupParent}/c`;
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
  makeCgroupParent();

  const candidates = [
    ['contlab-runtime', ours],
    ['runc', which('runc')],
    ['crun', which('crun')],
  ];
  // --also NAME=PATH adds another build to compare (say, contlab-runtime before a change).
  for (let i = args.indexOf('--also'); i >= 0; i = args.indexOf('--also', i + 1)) {
    const [name, path] = (args[i + 1] ?? '').split('=');
    if (name && path) candidates.push([name, path]);
  }
  const runtimes = [];
  const skipped = [];
  const notes = [];
  let n = 0;
  for (const [name, bin] of candidates) {
    if (!bin) {
      skipped.push(`${name}: not installed`);
      continue;
    }
    const root = join(stateBase, name);
    const probeArgs = ['--root', root, 'run', '--bundle', bundle, `contlab-probe-${n++}`];
    const probe = sh(bin, probeArgs);
    if (probe.code === 0) {
      runtimes.push({ name, bin, root, run: [], csd: [], sh: async (c, a) => sh(c, a) });
      continue;
    }
    const why = probe.stderr.trim().split('\n').pop();
    if (/hybrid mode not supported/.test(why) && existsSync('/sys/fs/cgroup/unified')) {
      worker ??= startWorker();
      const again = await worker.sh(bin, probeArgs);
      if (again.code === 0) {
        runtimes.push({ name, bin, root, run: [], csd: [], sh: worker.sh });
        notes.push(
          `${name}: refuses this hybrid host (${why}); measured in a private mount namespace without /sys/fs/cgroup/unified`,
        );
        continue;
      }
    }
    skipped.push(`${name}: does not run here: ${why}`);
  }
  const floor = {
    name: 'floor (unshare+chroot)',
    run: [],
    csd: null,
    sh: async (c, a) => sh(c, a),
  };

  for (let i = 0; i < RUNS; i++) {
    // Rotate the order each round so no runtime always goes first.
    const order = [...runtimes, floor];
    for (let k = 0; k < i % order.length; k++) order.push(order.shift());
    for (const rt of order) {
      if (rt === floor) {
        const r = sh('unshare', [
          '--fork',
          '--pid',
          '--mount',
          '--uts',
          '--ipc',
          '--net',
          'chroot',
          rootfs,
          '/bin/true',
        ]);
        if (r.code !== 0) throw new Error(`floor failed: ${r.stderr}`);
        floor.run.push(r.ms);
        continue;
      }
      const id = `contlab-bench-${i}`;
      const r = await rt.sh(rt.bin, ['--root', rt.root, 'run', '--bundle', bundle, id]);
      if (r.code !== 0) throw new Error(`${rt.name} run: ${r.stderr}`);
      rt.run.push(r.ms);
      const c = await rt.sh(rt.bin, ['--root', rt.root, 'create', '--bundle', bundle, `${id}-c`]);
      const s = await rt.sh(rt.bin, ['--root', rt.root, 'start', `${id}-c`]);
      const d = await rt.sh(rt.bin, ['--root', rt.root, 'delete', '--force', `${id}-c`]);
      for (const [what, x] of [
        ['create', c],
        ['start', s],
        ['delete', d],
      ])
        if (x.code !== 0) throw new Error(`${rt.name} ${what}: ${x.stderr}`);
      rt.csd.push(c.ms + s.ms + d.ms);
    }
  }

  const ms = (x) => (x === null ? '-' : `${x.toFixed(1)} ms`);
  const ratio = (a, b) =>
    a === null || b === undefined || b === null ? '-' : `${(a / b).toFixed(2)}x`;
  const med = (rt, key) => (rt[key] === null ? null : median(rt[key]));
  const byName = Object.fromEntries([...runtimes, floor].map((r) => [r.name, r]));
  const ref = (name, key) => (byName[name] ? med(byName[name], key) : undefined);
  const floorRun = med(floor, 'run');
  const rows = [...runtimes, floor].map((rt) => [
    rt.name,
    ms(med(rt, 'run')),
    ms(med(rt, 'csd')),
    ratio(med(rt, 'run'), ref('runc', 'run')),
    ratio(med(rt, 'run'), ref('crun', 'run')),
    ratio(med(rt, 'run'), floorRun),
    ratio(med(rt, 'csd'), ref('runc', 'csd')),
  ]);
  const head = [
    'runtime',
    'run /bin/true',
    'create+start+delete',
    'run vs runc',
    'run vs crun',
    'run vs floor',
    'c+s+d vs runc',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `contlab-runtime benchmark: medians of ${RUNS} runs each, interleaved, same bundle (load average ${load})`,
  );
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  // The same ratios taken round by round (each round runs everything once, back to back),
  // then the median: what load drift between rounds does to the medians above cancels out.
  const paired = (a, b) =>
    a && b ? median(a.run.map((x, i) => x / b.run[i])).toFixed(2) + 'x' : '-';
  for (const rt of runtimes.filter((r) => r.name !== 'runc' && r.name !== 'crun'))
    console.log(
      `paired, median of per-round ratios: ${rt.name} run vs floor ${paired(rt, floor)}, vs runc ${paired(rt, byName.runc)}, vs crun ${paired(rt, byName.crun)}`,
    );
  for (const s of notes) console.log(`note: ${s}`);
  for (const s of skipped) console.log(`skipped ${s}`);

  // Where contlab-runtime's time goes: its own trace of the same `run`, summed per step.
  const perStep = new Map();
  const traced = Math.min(RUNS, 15);
  for (let i = 0; i < traced; i++) {
    const file = join(base, `trace-${i}.jsonl`);
    const r = sh(ours, [
      '--root',
      join(stateBase, 'traced'),
      '--trace',
      file,
      'run',
      '--bundle',
      bundle,
      `contlab-bench-t${i}`,
    ]);
    if (r.code !== 0) throw new Error(`traced run: ${r.stderr}`);
    const sums = new Map();
    for (const l of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const { step, us } = JSON.parse(l);
      sums.set(step, (sums.get(step) ?? 0) + us);
    }
    for (const [step, us] of sums) perStep.set(step, [...(perStep.get(step) ?? []), us / 1000]);
  }
  const top = [...perStep].map(([step, xs]) => [step, median(xs)]).sort((a, b) => b[1] - a[1]);
  console.log(
    `\nwhere contlab-runtime's time goes (--trace, medians of ${traced} runs; wait_start is init waiting for the runtime's start):`,
  );
  for (const [step, m] of top.slice(0, 10)) console.log(`  ${step.padEnd(14)} ${m.toFixed(2)} ms`);
} finally {
  cleanup();
}

#!/usr/bin/env node
// The cgroup v2 VM, side by side in one run, medians:
//   - `contlab vm run -- true`: launch to exit, under KVM and TCG where both work here
//     (KVM is probed: an accessible /dev/kvm that cannot boot Debian's kernel is reported);
//     with the VM's own boot time (qemu start to the guest's `ready`),
//   - the emulation factor: `node -e ''` inside the VM against the same on this machine,
//   - lesson-ready time: `contlab start LESSON` to the lab shell's prompt in the player,
//     with the lab on this machine and with --vm.
// Build first (npm run build); run as root:  node bench/vm.mjs [--runs N] [--lesson ID]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as pty from 'node-pty';

const repo = fileURLToPath(new URL('..', import.meta.url));
const contlab = join(repo, 'bin', 'contlab');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt('--runs', '5'));
const LESSON = opt('--lesson', '00-process');
const base = mkdtempSync('/tmp/contlab-bench-vm-');
// The bench's own lab home: its VMs and progress are apart from a learner's.
const env = {
  ...process.env,
  CONTLAB_HOME: join(base, 'home'),
  CONTLAB_RUN: join(base, 'run'),
  HOME: base,
  NO_COLOR: '1',
};

const { runInVm } = await import(join(repo, 'dist/engine/vm/run.js'));
const { guestKernel } = await import(join(repo, 'dist/engine/vm/kernel.js'));
const { kvmAccessible } = await import(join(repo, 'dist/engine/vm/tools.js'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '-');

/** `contlab vm run -- CMD`: wall time of the CLI (a node start included). */
function cliRun(accel, cmd) {
  const t = performance.now();
  const r = spawnSync(contlab, ['vm', 'run', '--accel', accel, '--', ...cmd], {
    env,
    encoding: 'utf8',
  });
  return { ms: performance.now() - t, ok: r.status === 0, out: r.stdout, err: r.stderr };
}

/** The same through the engine: qemu start to the guest's `ready`, and to the exit. */
async function engineRun(accel) {
  const r = await runInVm({ argv: ['true'], accel, stdout: process.stderr });
  return { bootMs: r.bootMs, totalMs: r.totalMs };
}

function hostRun(cmd) {
  const t = performance.now();
  spawnSync(cmd[0], cmd.slice(1));
  return performance.now() - t;
}

/** Launch to the lab shell's prompt in the player, in a real pty. */
function lessonReady(extra) {
  return new Promise((resolve) => {
    const t = performance.now();
    const p = pty.spawn(contlab, ['start', ...extra, LESSON], {
      name: 'xterm-256color',
      cols: 120,
      rows: 36,
      env,
      cwd: repo,
    });
    let out = '';
    let done = false;
    const finish = (value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.write('\x14q');
      setTimeout(() => p.kill('SIGKILL'), 60_000).unref();
      p.onExit(() => resolve(value));
    };
    const timer = setTimeout(() => finish(NaN), 900_000);
    p.onData((d) => {
      out += d;
      // The prompt after the player drew its frame: the learner can type.
      // eslint-disable-next-line no-control-regex
      if (/lab[^\n]*:~# /.test(out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')))
        finish(performance.now() - t);
    });
  });
}

const kernel = await guestKernel();
const accels = ['tcg'];
let kvmNote = 'no accessible /dev/kvm';
if (kvmAccessible()) {
  cliRun('auto', ['true']); // `auto` probes KVM once (a real boot) and caches the verdict
  const info = JSON.parse(
    spawnSync(contlab, ['vm', 'info', '--json'], { env, encoding: 'utf8' }).stdout,
  );
  if (info.accel === 'kvm') accels.unshift('kvm');
  else kvmNote = `KVM does not boot the guest here: ${info.kvmProblem ?? info.accel}`;
}

const rows = [];
for (const accel of accels) {
  cliRun(accel, ['true']); // warm: page cache, initramfs cache
  const cli = [];
  const boot = [];
  const total = [];
  for (let i = 0; i < RUNS; i++) {
    cli.push(cliRun(accel, ['true']).ms);
    const e = await engineRun(accel);
    boot.push(e.bootMs);
    total.push(e.totalMs);
  }
  const nodeIn = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    // node -e '' timed inside the guest, by the guest's own clock.
    const r = cliRun(accel, [
      'sh',
      '-c',
      's=$(date +%s%N); node -e ""; e=$(date +%s%N); echo $(((e-s)/1000))',
    ]);
    nodeIn.push(Number(r.out.trim()) / 1000);
  }
  rows.push({
    accel,
    cli: median(cli),
    boot: median(boot),
    total: median(total),
    nodeIn: median(nodeIn),
  });
}
const nodeHost = median(Array.from({ length: 5 }, () => hostRun([process.execPath, '-e', ''])));
const trueHost = median(Array.from({ length: 5 }, () => hostRun(['true'])));

const localReady = [];
const vmReady = [];
for (let i = 0; i < Math.min(RUNS, 3); i++) {
  localReady.push(await lessonReady([]));
  vmReady.push(await lessonReady(['--vm']));
}

console.log(`contlab VM bench: guest ${kernel.packageName}, ${RUNS} runs each, medians`);
console.log(`KVM: ${accels.includes('kvm') ? 'used' : kvmNote}`);
for (const r of rows) {
  console.log(
    `  ${r.accel.toUpperCase()}: contlab vm run -- true ${ms(r.cli)} (host \`true\` ${ms(trueHost)}); ` +
      `qemu start to guest ready ${ms(r.boot)}, to exit ${ms(r.total)}; ` +
      `node -e '' inside ${ms(r.nodeIn)} vs here ${ms(nodeHost)} (${(r.nodeIn / nodeHost).toFixed(1)}x)`,
  );
}
console.log(
  `  lesson ready (${LESSON}, launch to the shell prompt in the player): here ${ms(median(localReady))}, ` +
    `--vm ${ms(median(vmReady))} (${(median(vmReady) / median(localReady)).toFixed(1)}x)`,
);
rmSync(base, { recursive: true, force: true });

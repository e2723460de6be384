/**
 * The cgroup lesson on cgroup v2. This host binds its controllers to v1, so `verify --auto`
 * only proves the v1 path here; this test boots the cgroup-v2-only VM of test/vm/vm.ts and
 * plays the lesson's steps there, with the lab's environment variables set as the lab would
 * set them on a v2 host: each step's checkpoint must fail before its commands and pass after.
 *
 * The VM is busybox only: `bash -c` runs as busybox sh (the lesson's commands are POSIX), a
 * small pgrep stands in for procps', `head -c 256M` is given in bytes, and the disk bandwidth
 * step is left out (the VM has no disk, nor lsblk and findmnt). So are the steps that drive
 * host tools this VM lacks (cgroup-tools and stress, findmnt for the v2 tree, runc and
 * bpftool): `contlab vm run -- contlab verify cgroups --auto` plays them on cgroup v2.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, writeFileSync } from 'node:fs';
import { cloudKernel, runVm } from '../vm/vm.js';
import { checksOf, curriculumLessons, stepsOf, type StepText } from './lesson-text.js';

const SKIPPED = new Set(['io', 'tools', 'pressure', 'runtime-devices']);

const UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

function size(value: unknown): string {
  const m = /^(\d+)([KMG]?)$/.exec(String(value));
  if (m === null) throw new Error(`cannot read the size ${String(value)}`);
  return String(Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1));
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** A shell script (busybox sh) that exits 0 when the check passes on cgroup v2. */
export function checkScript(check: Record<string, unknown>): string {
  if (typeof check.script === 'string') return check.script;
  const dir = (cg: unknown): string => `"$LAB_CGROUP_MEMORY/${String(cg)}"`;
  if (typeof check['cgroup-limit'] === 'string') {
    const d = dir(check.cgroup);
    const want = size(check.equals);
    switch (check['cgroup-limit']) {
      case 'memory':
        return `test "$(cat ${d}/memory.max)" = ${want}`;
      case 'pids':
        return `test "$(cat ${d}/pids.max)" = ${want}`;
      case 'cpu':
        return `test "$(cut -d' ' -f1 ${d}/cpu.max)" = ${want}`;
    }
  }
  if (typeof check['oom-kills'] === 'string')
    return `n=$(awk '$1 == "oom_kill" { print $2 }' ${dir(check['oom-kills'])}/memory.events); test "\${n:-0}" -gt 0`;
  if (typeof check.process === 'string' && Object.keys(check).every((k) => k !== 'file'))
    return `pgrep -f ${q(check.process)} >/dev/null`;
  throw new Error(`no v2 translation for the check ${JSON.stringify(check)}`);
}

function stepScript(step: StepText, n: number): string {
  const name = step.id ?? `step-${n}`;
  const checks = checksOf(step).map(checkScript);
  const commands = step.blocks
    .filter((b) => b.info === 'sh' || b.info === 'solution')
    .map((b) => b.body)
    .join('\n')
    // busybox head (an ash builtin in the VM) wants a plain byte count, not 256M.
    .replace(/head -c (\d+)M/g, (_, n: string) => `head -c ${Number(n) * 1024 * 1024}`);
  const setup = step.blocks.filter((b) => b.info === 'setup').map((b) => b.body);
  const cleanup = step.blocks.filter((b) => b.info === 'cleanup').map((b) => b.body);
  const file = (path: string, body: string): string =>
    `cat > ${path} <<'CONTLAB_EOF'\n${body}\nCONTLAB_EOF`;
  return [
    `mkdir -p /t/${name}`,
    ...checks.map((c, i) => file(`/t/${name}/check-${i}.sh`, c)),
    file(`/t/${name}/commands.sh`, commands),
    file(`/t/${name}/setup.sh`, setup.join('\n') || 'true'),
    file(`/t/${name}/cleanup.sh`, cleanup.join('\n') || 'true'),
    `play ${name}`,
  ].join('\n');
}

/** busybox has no pgrep: a small stand-in, enough for the lesson's pgrep -xf and -f. */
const STANDINS = [
  "cat > /bin/pgrep <<'CONTLAB_EOF'",
  '#!/bin/sh',
  'x=; n=; pat=',
  'for a; do case $a in -*) case $a in *x*) x=1;; esac; case $a in *n*) n=1;; esac;; *) pat=$a;; esac; done',
  'out=',
  'for d in /proc/[0-9]*; do',
  '  p=${d#/proc/}; [ "$p" = "$$" ] && continue',
  "  c=$(tr '\\0' ' ' < $d/cmdline 2>/dev/null); c=${c% }",
  '  [ -n "$c" ] || continue',
  '  if [ -n "$x" ]; then [ "$c" = "$pat" ] || continue; else echo "$c" | grep -Eq -- "$pat" || continue; fi',
  '  out="$out $p"',
  'done',
  '[ -n "$out" ] || exit 1',
  'if [ -n "$n" ]; then echo ${out##* }; else for p in $out; do echo $p; done; fi',
  'CONTLAB_EOF',
  'chmod 755 /bin/pgrep',
].join('\n');

const INIT_HEAD = String.raw`
# The console's first line starts with terminal escapes: keep RESULT lines off it.
echo
# What the lab gives a lesson shell on a v2 host (src/lessons/session/lesson-lab.ts).
export LAB_CGROUP_VERSION=2 LAB_CGROUP=contlab/s1 LAB_MEMORY_MAX=memory.max LAB_DIR=/tmp/lab
export LAB_CGROUP_MEMORY=/sys/fs/cgroup/contlab/s1
export LAB_CGROUP_CPU=$LAB_CGROUP_MEMORY LAB_CGROUP_PIDS=$LAB_CGROUP_MEMORY
mkdir -p $LAB_DIR $LAB_CGROUP_MEMORY/shell
echo '+memory +pids +cpu' > /sys/fs/cgroup/contlab/cgroup.subtree_control
echo '+memory +pids +cpu' > $LAB_CGROUP_MEMORY/cgroup.subtree_control
echo $$ > $LAB_CGROUP_MEMORY/shell/cgroup.procs
printf '#!/bin/sh\nexec /bin/sh "$@"\n' > /bin/bash; chmod 755 /bin/bash
${STANDINS}
checks() { for c in /t/$1/check-*.sh; do sh $c > /t/$1/last-check.out 2>&1 || return 1; done; return 0; }
play() {
  sh /t/$1/setup.sh > /dev/null 2>&1
  if checks $1; then result $1 FAIL "the checkpoint passes before the commands"; return; fi
  sh /t/$1/commands.sh > /t/$1/commands.out 2>&1
  i=0; while [ $i -lt 20 ] && ! checks $1; do sleep 0.25; i=$((i+1)); done
  if checks $1; then result $1 PASS; else
    result $1 FAIL "$(tail -n 1 /t/$1/last-check.out)"
    echo "BEGIN-FILE $1"; tail -n 20 /t/$1/commands.out; echo END-FILE
  fi
  sh /t/$1/cleanup.sh > /dev/null 2>&1
}
`;

function kernelCached(): boolean {
  try {
    return existsSync(cloudKernel());
  } catch {
    return false;
  }
}

const lesson = curriculumLessons().find((l) => l.folder === '03-cgroups');
const canRun = lesson !== undefined && existsSync('/usr/bin/qemu-system-x86_64') && kernelCached();

describe('the translation of checks to v2 shell', () => {
  it('reads limits, OOM kills and processes', () => {
    expect(checkScript({ 'cgroup-limit': 'memory', cgroup: 'g', equals: '32M' })).toBe(
      'test "$(cat "$LAB_CGROUP_MEMORY/g"/memory.max)" = 33554432',
    );
    expect(checkScript({ process: '^sleep 1$' })).toBe("pgrep -f '^sleep 1$' >/dev/null");
    expect(() => checkScript({ capability: 'CAP_KILL' })).toThrow();
  });
});

(canRun ? describe : describe.skip)('the cgroup lesson on cgroup v2', () => {
  it('every step fails before its commands and passes after them', () => {
    const steps = stepsOf('03-cgroups', lesson?.source ?? '').filter(
      (s) => !SKIPPED.has(s.id ?? ''),
    );
    const init = [INIT_HEAD, ...steps.map((s, i) => stepScript(s, i + 1))].join('\n');
    const vm = runVm(init, {}, 280);
    const names = steps.map((s) => s.id);
    if (process.env.CONTLAB_VM_LOG) writeFileSync(process.env.CONTLAB_VM_LOG, vm.console);
    expect(vm.results.map((r) => r.name)).toEqual(names);
    const failed = vm.results
      .filter((r) => !r.pass)
      .map((r) => `${r.name}: ${r.detail}\n${vm.files.get(r.name) ?? ''}`);
    expect(failed).toEqual([]);
  }, 300_000);
});

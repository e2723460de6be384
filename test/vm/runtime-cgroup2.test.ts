/**
 * contlab-runtime on cgroup v2, in a cgroup-v2-only VM (see vm.ts): this host binds its
 * controllers to v1, so the statically linked runtime (`make -C native static`) and a few
 * bundles go into the VM's initramfs and run there. The runtime detects v2 at run time,
 * enables the controllers down the tree, writes memory.max, pids.max, cpu.weight (from
 * shares) and cpu.max (from quota/period); the kernel must then OOM-kill a memory hog and
 * refuse a fork loop's extra forks. The same workloads in bundles without limits are the
 * negative controls: the hog survives, every fork succeeds. pause/resume go through v2's
 * cgroup.freeze, and delete leaves no cgroup and no state.
 *
 * The initramfs root cannot be pivot_root'ed away (it has no parent mount), so the
 * containers run with --no-pivot, as runc needs there too.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { defaultConfig, type OciConfig } from '../helpers/bundle.js';
import { runVm, type VmRun } from './vm.js';

const STATIC = join(repoRoot, 'native', 'build', 'contlab-runtime-static');
const MiB = 1024 * 1024;

function bundle(args: string[], cg: string, resources: OciConfig['linux']['resources']) {
  const cfg = defaultConfig(args, cg);
  cfg.root.path = '/ct/rootfs';
  cfg.linux.resources = { ...cfg.linux.resources, ...resources };
  return cfg;
}

const HOG = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=64M', 'count=1'];
// 16 background sleeps from one shell, counting the forks that worked (echo is a builtin):
// with pids.max = 8 the 8th fork fails and the shell gives up.
const FORKS = [
  'sh',
  '-c',
  'i=0; while [ $i -lt 16 ]; do sleep 2 & i=$((i+1)); echo "forked $i"; done; wait',
];

const BUNDLES: Record<string, OciConfig> = {
  oom: bundle(HOG, '/contlab/oom', {
    memory: { limit: 32 * MiB },
    cpu: { shares: 512, quota: 25000, period: 100000 },
  }),
  nooom: bundle(HOG, '/contlab/nooom', {}),
  freeze: bundle(['sleep', '100'], '/contlab/freeze', {}),
  pids: bundle(FORKS, '/contlab/pids', { pids: { limit: 8 } }),
  nopids: bundle(FORKS, '/contlab/nopids', {}),
  // Fields cgroup v2 does not have: a warning each, and the container runs.
  oldmem: bundle(['sh', '-c', 'exit 0'], '/contlab/oldmem', {
    memory: { limit: 64 * MiB, kernel: 32 * MiB, kernelTCP: 16 * MiB, swappiness: 30 },
  }),
};

const INIT = `
R="/bin/contlab-runtime --root /run/contlab"
mkdir -p /ct/rootfs/bin /ct/rootfs/proc /ct/rootfs/dev /ct/rootfs/sys /ct/rootfs/tmp
cp /bin/busybox /ct/rootfs/bin/busybox
for a in sh dd sleep cat; do ln -s busybox /ct/rootfs/bin/$a; done
G=/sys/fs/cgroup/contlab

# The memory hog under memory.max = 32 MiB: killed (exit 137). --keep leaves the cgroup
# so its files can be read, then delete removes it.
$R run --no-pivot --keep --bundle /ct/oom contlab-oom >/tmp/oom.out 2>&1; rc=$?
oom=$(sed -n 's/^oom_kill //p' $G/oom/memory.events)
[ $rc -eq 137 ] && [ "$oom" -ge 1 ] && result memory-limited-hog PASS "rc=$rc oom_kill=$oom" || result memory-limited-hog FAIL "rc=$rc oom_kill=$oom $(cat /tmp/oom.out)"
for f in memory.max cpu.weight cpu.max; do echo "BEGIN-FILE $f"; cat $G/oom/$f; echo END-FILE; done
$R delete contlab-oom
[ -d $G/oom ] && result oom-deleted FAIL "$G/oom is still there" || result oom-deleted PASS ""

$R run --no-pivot --bundle /ct/nooom contlab-nooom >/tmp/nooom.out 2>&1; rc=$?
[ $rc -eq 0 ] && result control-hog PASS "rc=$rc" || result control-hog FAIL "rc=$rc $(cat /tmp/nooom.out)"

# The fork loop under pids.max = 8: at most 7 sleeps start, the kernel counts refusals.
$R run --no-pivot --keep --bundle /ct/pids contlab-pids >/tmp/pids.out 2>&1
n=$(sed -n 's/^forked //p' /tmp/pids.out | tail -n 1)
refused=$(sed -n 's/^max //p' $G/pids/pids.events)
[ "\${n:-0}" -le 7 ] && [ "$refused" -gt 0 ] && result pids-limited-forks PASS "forked=$n refused=$refused" || result pids-limited-forks FAIL "forked=$n refused=$refused $(cat /tmp/pids.out)"
echo "BEGIN-FILE pids.max"; cat $G/pids/pids.max; echo END-FILE
$R delete contlab-pids

# The same loop without the limit: all 16 forks work, 17 processes at once.
$R run --no-pivot --detach --bundle /ct/nopids contlab-nopids >/tmp/nopids.out 2>&1
sleep 1
read cur < $G/nopids/pids.current
n=$(sed -n 's/^forked //p' /tmp/nopids.out | tail -n 1)
[ "$cur" -ge 17 ] && [ "$n" = 16 ] && result control-forks PASS "forked=$n current=$cur" || result control-forks FAIL "forked=$n current=$cur"
$R delete --force contlab-nopids

# pause/resume on v2: cgroup.freeze, and "frozen 1" in cgroup.events.
$R run --no-pivot --detach --bundle /ct/freeze contlab-freeze >/dev/null 2>&1
# exec: the new process is born in the container's cgroup too.
$R --trace /tmp/exec.trace exec contlab-freeze cat /proc/self/cgroup >/tmp/exec.out 2>&1; rc=$?
into=$(grep -c '"step":"fork".*CLONE_INTO_CGROUP' /tmp/exec.trace)
[ $rc -eq 0 ] && [ "$(cat /tmp/exec.out)" = "0::/contlab/freeze" ] && [ "$into" = 1 ] && result exec-in-cgroup PASS "" || result exec-in-cgroup FAIL "rc=$rc into=$into $(cat /tmp/exec.out)"
$R pause contlab-freeze
f1=$(sed -n 's/^frozen //p' $G/freeze/cgroup.events); s1=$($R state contlab-freeze | grep -c '"status": *"paused"')
$R resume contlab-freeze
f2=$(sed -n 's/^frozen //p' $G/freeze/cgroup.events); s2=$($R state contlab-freeze | grep -c '"status": *"running"')
$R delete --force contlab-freeze
[ "$f1$s1" = "11" ] && [ "$f2$s2" = "01" ] && result freeze PASS "" || result freeze FAIL "paused: frozen=$f1 state-paused=$s1; resumed: frozen=$f2 state-running=$s2"

# On v2 init is born in its cgroup (clone3 CLONE_INTO_CGROUP): no cgroup.procs write.
$R --trace /tmp/born.trace run --no-pivot --bundle /ct/nooom contlab-born >/dev/null 2>&1; rc=$?
into=$(grep -c '"step":"clone".*CLONE_INTO_CGROUP' /tmp/born.trace); procs=$(grep -c 'cgroup.procs' /tmp/born.trace)
[ $rc -eq 0 ] && [ "$into" = 1 ] && [ "$procs" = 0 ] && result born-in-cgroup PASS "" || result born-in-cgroup FAIL "rc=$rc clone-into=$into procs-writes=$procs $(grep clone /tmp/born.trace)"

$R run --no-pivot --bundle /ct/oldmem contlab-oldmem >/tmp/oldmem.out 2>&1; rc=$?
w=$(grep -cE '^warning: linux\\.resources\\.memory\\.(kernel|kernelTCP|swappiness) ignored: cgroup v2 has no' /tmp/oldmem.out)
[ $rc -eq 0 ] && [ "$w" = 3 ] && result dropped-memory-fields PASS "rc=$rc warnings=$w" || result dropped-memory-fields FAIL "rc=$rc warnings=$w $(tr "\\n" "|" < /tmp/oldmem.out)"

[ -d $G ] && result nothing-left FAIL "$(ls $G)" || result nothing-left PASS ""
[ -z "$(ls /run/contlab)" ] && result no-state-left PASS "" || result no-state-left FAIL "$(ls /run/contlab)"
`;

describe('contlab-runtime on cgroup v2 (in a cgroup-v2-only VM)', () => {
  let vm: VmRun;
  let dir: string;

  beforeAll(() => {
    const make = spawnSync('make', ['-s', '-C', join(repoRoot, 'native'), 'static'], {
      encoding: 'utf8',
    });
    if (make.status !== 0) throw new Error(`make static failed: ${make.stdout}${make.stderr}`);
    dir = mkdtempSync('/tmp/contlab-vmrt-');
    const files: Record<string, string> = { '/bin/contlab-runtime': STATIC };
    for (const [name, cfg] of Object.entries(BUNDLES)) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'config.json'), JSON.stringify(cfg));
      files[`/ct/${name}/config.json`] = join(dir, name, 'config.json');
    }
    vm = runVm(INIT, files);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the limits are enforced, the controls are not limited, nothing is left', () => {
    const byName = Object.fromEntries(vm.results.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual([
      'born-in-cgroup',
      'control-forks',
      'control-hog',
      'dropped-memory-fields',
      'exec-in-cgroup',
      'freeze',
      'memory-limited-hog',
      'no-state-left',
      'nothing-left',
      'oom-deleted',
      'pids-limited-forks',
    ]);
    for (const r of vm.results) expect(r).toEqual({ name: r.name, pass: true, detail: r.detail });
  });

  test('v2 files hold the spec’s limits: shares -> cpu.weight, quota/period -> cpu.max', () => {
    expect(vm.files.get('memory.max')?.trim()).toBe(String(32 * MiB));
    expect(vm.files.get('pids.max')?.trim()).toBe('8');
    // runc's conversion: weight = 1 + (shares - 2) * 9999 / 262142.
    expect(vm.files.get('cpu.weight')?.trim()).toBe(String(1 + Math.floor((510 * 9999) / 262142)));
    expect(vm.files.get('cpu.max')?.trim()).toBe('25000 100000');
  });
});

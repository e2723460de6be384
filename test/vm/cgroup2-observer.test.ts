/**
 * cgroup v2 on a real kernel: this host binds its controllers to v1 hierarchies, so a
 * cgroup-v2-only VM (see vm.ts) writes limits through the real v2 files, runs a memory hog
 * and a fork bomb against them, and prints the control files back. The host then reads that
 * copy with the observer's v2 reader. A control group without limits in the same VM is the
 * negative control: its hog must survive, or the test fails.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readV2Cpu, readV2Memory, readV2Pids } from '../../src/engine/observer/cgroup-v2.js';
import { liveSource } from '../../src/engine/observer/source.js';
import { runVm, type VmRun } from './vm.js';

const FILES = [
  'memory.max',
  'memory.swap.max',
  'memory.events',
  'memory.peak',
  'pids.max',
  'pids.events',
  'cpu.max',
  'cpu.weight',
  'cpu.stat',
];

const INIT = `
cg=/sys/fs/cgroup/contlab-limited
ctl=/sys/fs/cgroup/contlab-control
mkdir $cg $ctl
echo 33554432 > $cg/memory.max
echo 0 > $cg/memory.swap.max
echo 8 > $cg/pids.max
echo "25000 100000" > $cg/cpu.max
echo 50 > $cg/cpu.weight
# A 64 MiB buffer in a 32 MiB group: the kernel's OOM killer must end it.
sh -c "echo \\$\\$ > $cg/cgroup.procs; exec dd if=/dev/zero of=/dev/null bs=64M count=1" 2>/dev/null
[ $? -ne 0 ] && result memory-limited-hog PASS killed || result memory-limited-hog FAIL survived
sh -c "echo \\$\\$ > $ctl/cgroup.procs; exec dd if=/dev/zero of=/dev/null bs=64M count=1" 2>/dev/null
[ $? -eq 0 ] && result control-hog PASS survived || result control-hog FAIL killed
# A fork bomb in a group of 8 PIDs: forks beyond the limit fail, the host is untouched.
# (the bomb's own shell gives up when fork fails; its children live on for 3 s, counted from outside)
sh -c "echo \\$\\$ > $cg/cgroup.procs; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do sleep 3 & done" 2>/dev/null
sleep 1
read peak < $cg/pids.current
sleep 3
refused=$(sed -n 's/^max //p' $cg/pids.events)
[ "$peak" -le 8 ] && [ "$refused" -gt 0 ] && result pids-limited-forkbomb PASS "peak=$peak refused=$refused" || result pids-limited-forkbomb FAIL "peak=$peak refused=$refused"
# The same bomb in the control group is not stopped: the limit is per group, not global.
sh -c "echo \\$\\$ > $ctl/cgroup.procs; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do sleep 3 & done" 2>/dev/null
sleep 1
read others < $ctl/pids.current
sleep 3
[ "$others" -ge 16 ] && result control-forkbomb PASS "peak=$others" || result control-forkbomb FAIL "peak=$others"
for f in ${FILES.join(' ')}; do echo "BEGIN-FILE $f"; cat $cg/$f; echo END-FILE; done
echo "BEGIN-FILE control.memory.events"; cat $ctl/memory.events; echo END-FILE
rmdir $cg $ctl
`;

describe('cgroup v2 (in a cgroup-v2-only VM)', () => {
  let vm: VmRun;
  let copy: string;

  beforeAll(() => {
    vm = runVm(INIT, {});
    copy = mkdtempSync('/tmp/contlab-v2copy-');
    for (const f of FILES) writeFileSync(join(copy, f), vm.files.get(f) ?? '');
  }, 300_000);
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  test('the kernel enforces the limits, and the negative control is not limited', () => {
    const byName = Object.fromEntries(vm.results.map((r) => [r.name, r]));
    expect(vm.results.map((r) => r.name).sort()).toEqual([
      'control-forkbomb',
      'control-hog',
      'memory-limited-hog',
      'pids-limited-forkbomb',
    ]);
    expect(byName['control-forkbomb']).toMatchObject({ pass: true });
    expect(byName['control-hog']).toMatchObject({ pass: true });
    expect(byName['memory-limited-hog']).toMatchObject({ pass: true });
    expect(byName['pids-limited-forkbomb']).toMatchObject({ pass: true });
  });

  test('the observer reads the v2 files back, naming each real file', async () => {
    const memory = await readV2Memory(copy, liveSource);
    expect(memory.max).toEqual({ file: join(copy, 'memory.max'), value: 33554432 });
    expect(memory.swapMax?.value).toBe(0);
    expect(memory.oomKills).toEqual({ file: join(copy, 'memory.events'), value: 1 });
    const pids = await readV2Pids(copy, liveSource);
    expect(pids.max).toEqual({ file: join(copy, 'pids.max'), value: 8 });
    const cpu = await readV2Cpu(copy, liveSource);
    expect(JSON.stringify(cpu)).toContain('"value":50');
    expect(JSON.stringify(cpu)).toContain(join(copy, 'cpu.max'));
    expect(vm.files.get('control.memory.events')).toMatch(/^oom_kill 0$/m);
  });
});

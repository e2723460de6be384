/**
 * Every check type against the real kernel, in a real lesson lab: each one passes on the
 * state it describes and fails on another, and a failure says what it saw and expected.
 * The processes are started in the lab (real unshare, capsh, chroot, mount) and removed
 * with it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { captureBaseline, evaluateCheckpoint } from '../../src/lessons/checks/evaluate.js';
import type { Check, CheckResult } from '../../src/lessons/checks/types.js';
import { parseLesson } from '../../src/lessons/format/parse-lesson.js';
import { openLessonLab, type LessonLab } from '../../src/lessons/session/lesson-lab.js';
import { runLabScript } from '../../src/lessons/session/spawn.js';
import { labCgroupDirs, pidsMentioning } from '../helpers/daemons.js';
import { useTempLab, type TempLab } from '../helpers/lab-env.js';

/** The checks of a ```checkpoint block, parsed the way a lesson's are. */
function checks(yaml: string): Check[] {
  const source = `---\nid: t\ntitle: t\nsummary: t\nminutes: 1\nconcepts: [ns.uts]\n---\n\n## Step: s\n\n\`\`\`checkpoint\n${yaml}\n\`\`\`\n`;
  const r = parseLesson('t.md', source);
  if (r.lesson === undefined) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.lesson.steps[0]?.checkpoint ?? [];
}

async function one(yaml: string): Promise<CheckResult> {
  const result = await evaluateCheckpoint(checks(yaml), lab.context);
  return result.results[0] as CheckResult;
}

async function sh(script: string): Promise<void> {
  const r = await runLabScript(lab, script, 30_000);
  if (r.code !== 0) throw new Error(`${script}: exit ${r.code}: ${r.output}`);
}

let temp: TempLab;
let lab: LessonLab;
let outsider: ChildProcess;
const outsiderCommand = `sleep 3933`;

beforeAll(async () => {
  temp = useTempLab();
  lab = await openLessonLab();
  await sh(
    [
      'unshare --uts --pid --fork --mount-proc sleep 3930 &',
      "capsh --drop=cap_net_bind_service -- -c 'exec sleep 3931' &",
      'chroot "$LAB_ROOTFS" /bin/sleep 3932 &',
      "unshare --mount --fork sh -c 'mount -t tmpfs contlab-t /mnt && exec sleep 3934' &",
      'mkdir "$LAB_CGROUP_MEMORY/box" "$LAB_CGROUP_PIDS/box" 2>/dev/null || mkdir -p "$LAB_CGROUP_PIDS/box"',
      'echo 32M > "$LAB_CGROUP_MEMORY/box/$LAB_MEMORY_MAX"',
      'echo 12 > "$LAB_CGROUP_PIDS/box/pids.max"',
      'sh -c \'echo $$ > "$LAB_CGROUP_PIDS/box/cgroup.procs"; exec sleep 3935\' &',
      "unshare --uts sh -c 'hostname contlab-hn; exec sleep 3936' &",
      // wait until every background process has exec'ed its final command
      'for i in $(seq 50); do [ "$(pgrep -f "^(/bin/)?sleep 393[0-6]$" | wc -l)" -ge 6 ] && break; sleep 0.1; done',
    ].join('\n'),
  );
  // A process outside the lab, to tell scope lab from scope host.
  outsider = spawn('sleep', ['3933'], { stdio: 'ignore' });
});

afterAll(async () => {
  const outsiderGone = new Promise((r) => outsider.once('exit', r));
  outsider.kill('SIGKILL');
  await outsiderGone;
  const session = lab.session.id;
  const report = await lab.close();
  expect(report.errors).toEqual([]);
  expect(labCgroupDirs(session)).toEqual([]);
  expect(readdirSync(join(temp.home, 'journal'))).toEqual([]);
  // Closing the lab ended every process started in it (the outsider was not in it).
  for (const n of [3930, 3931, 3932, 3934, 3935, 3936])
    expect(pidsMentioning(`sleep ${n}`)).toEqual([]);
  temp.remove();
});

describe('process checks', () => {
  it('pass for a process in its own namespaces, fail naming the shared one', async () => {
    expect(await one(`- process: '^sleep 3930$'\n  namespaces: [uts, pid, mnt]`)).toMatchObject({
      ok: true,
    });
    const r = await one(`- process: '^sleep 3930$'\n  namespaces: [uts, net]`);
    expect(r.ok).toBe(false);
    expect(r.saw).toMatch(/sleep 3930\) shares the host's net namespace/);
    expect(r.expected).toMatch(/in its own uts, net namespace/);
  });

  it('see only the lab by default, every process with scope: host', async () => {
    const lab = await one(`- process: '^${outsiderCommand}$'`);
    expect(lab).toMatchObject({ ok: false, saw: 'no such process in the lab' });
    expect(await one(`- process: '^${outsiderCommand}$'\n  scope: host`)).toMatchObject({
      ok: true,
    });
  });

  it('in-cgroup: the process is in the named lab cgroup', async () => {
    expect(await one(`- process: '^sleep 3935$'\n  in-cgroup: box`)).toMatchObject({ ok: true });
    const r = await one(`- process: '^sleep 3930$'\n  in-cgroup: box`);
    expect(r.ok).toBe(false);
    expect(r.saw).toMatch(/is in cgroup shell/);
  });
});

describe('capability, cgroup, file and mount checks', () => {
  it('capability: lacks CAP_NET_BIND_SERVICE, still has CAP_KILL', async () => {
    expect(
      await one(`- capability: CAP_NET_BIND_SERVICE\n  process: '^sleep 3931$'\n  has: false`),
    ).toMatchObject({ ok: true });
    expect(await one(`- capability: kill\n  process: '^sleep 3931$'\n  has: true`)).toMatchObject({
      ok: true,
    });
    const r = await one(
      `- capability: CAP_NET_BIND_SERVICE\n  process: '^sleep 3930$'\n  has: false`,
    );
    expect(r.ok).toBe(false);
    expect(r.saw).toMatch(/sleep 3930\) has CAP_NET_BIND_SERVICE/);
  });

  it('cgroup-limit: reads the limit file of this host cgroup version', async () => {
    const ok = await one(`- cgroup-limit: memory\n  cgroup: box\n  equals: 32M`);
    expect(ok.ok).toBe(true);
    expect(ok.saw).toMatch(/(memory\.max|memory\.limit_in_bytes) = 32 MiB \(33554432\)/);
    const wrong = await one(`- cgroup-limit: memory\n  cgroup: box\n  equals: 64M`);
    expect(wrong).toMatchObject({ ok: false, saw: expect.stringMatching(/= 32 MiB/) });
    expect(wrong.expected).toMatch(/= 64 MiB/);
    expect(await one(`- cgroup-limit: pids\n  cgroup: box\n  equals: 12`)).toMatchObject({
      ok: true,
    });
    const missing = await one(`- cgroup-limit: pids\n  cgroup: nothere\n  equals: 12`);
    expect(missing).toMatchObject({ ok: false, saw: expect.stringMatching(/does not exist/) });
  });

  it('file: inside a process root, with contains and exists: false', async () => {
    expect(
      await one(`- file: /etc/os-release\n  process: '^/bin/sleep 3932$'\n  contains: contlab`),
    ).toMatchObject({ ok: true });
    expect(
      await one(`- file: /etc/shadow-not-here\n  process: '^/bin/sleep 3932$'\n  exists: false`),
    ).toMatchObject({ ok: true });
    const r = await one(
      `- file: /etc/os-release\n  process: '^/bin/sleep 3932$'\n  contains: Debian`,
    );
    expect(r.ok).toBe(false);
    expect(r.saw).toMatch(/\/proc\/\d+\/root\/etc\/os-release holds "NAME="contlab busybox"/);
  });

  it('mount: seen by the process, not by the host', async () => {
    expect(
      await one(`- mount: /mnt\n  process: '^sleep 3934$'\n  fstype: tmpfs\n  on-host: false`),
    ).toMatchObject({ ok: true, saw: expect.stringMatching(/tmpfs from contlab-t/) });
    const r = await one(`- mount: /mnt\n  process: '^sleep 3930$'\n  fstype: tmpfs`);
    expect(r).toMatchObject({ ok: false, saw: expect.stringMatching(/has no mount at \/mnt/) });
  });
});

describe('command, script and oom-kills checks', () => {
  it('command: exit code and output, with a time limit', async () => {
    expect(
      await one(`- command: cat "$LAB_CGROUP_PIDS/box/pids.max"\n  output: '^12$'`),
    ).toMatchObject({ ok: true });
    const r = await one(`- command: 'echo nope; exit 3'`);
    expect(r).toMatchObject({ ok: false, saw: 'exit 3, output "nope"' });
    const slow = await one(`- command: sleep 5\n  timeout: 0.5`);
    expect(slow).toMatchObject({ ok: false, saw: 'it was still running after 0.5 s' });
  });

  it('a time limit stretches with the time scale (an emulated VM sets it), and says so', async () => {
    process.env.CONTLAB_TIME_SCALE = '4';
    try {
      expect(await one(`- command: sleep 1\n  timeout: 0.5`)).toMatchObject({ ok: true });
      const slow = await one(`- script: sleep 5\n  timeout: 0.5`);
      expect(slow).toMatchObject({ ok: false, saw: 'the script was still running after 2 s' });
    } finally {
      delete process.env.CONTLAB_TIME_SCALE;
    }
  });

  it('script: exit 0 passes; otherwise its last line is shown', async () => {
    expect(await one(`- script: test -d "$LAB_CGROUP_PIDS/box"`)).toMatchObject({ ok: true });
    const r = await one(`- script: |\n    echo looking\n    echo 'no such group' >&2\n    exit 1`);
    expect(r).toMatchObject({ ok: false, saw: 'exit 1: no such group' });
  });

  it('oom-kills: fails until the count rises above its value when the step opened', async () => {
    const oom = checks(`- oom-kills: box\n  rose: true`);
    await captureBaseline(oom, lab.context);
    expect((await evaluateCheckpoint(oom, lab.context)).ok).toBe(false);
    await sh(
      [
        'if [ "$LAB_CGROUP_VERSION" = 2 ]; then echo 0 > "$LAB_CGROUP_MEMORY/box/memory.swap.max" 2>/dev/null || true;',
        'else echo 0 > "$LAB_CGROUP_MEMORY/box/memory.swappiness"; fi',
        'bash -c \'echo $$ > "$LAB_CGROUP_MEMORY/box/cgroup.procs"; head -c 128M /dev/zero | tail\' || true',
      ].join('\n'),
    );
    const after = await evaluateCheckpoint(oom, lab.context);
    expect(after.ok).toBe(true);
    expect(after.results[0]?.saw).toMatch(
      /oom_kill [1-9]\d* in .*(memory\.events|memory\.oom_control)/,
    );
  });
});

describe('the kinds added in the second edition', () => {
  it('process root: where chroot put the process, with $LAB_ROOTFS expanded', async () => {
    expect(await one(`- process: '^/bin/sleep 3932$'\n  root: $LAB_ROOTFS`)).toMatchObject({
      ok: true,
    });
    const r = await one(`- process: '^/bin/sleep 3932$'\n  root: /`);
    expect(r.ok).toBe(false);
    expect(r.saw).toMatch(/has its root at .*\/rootfs/);
  });

  it('shares-namespace: with another process, or with the host, or not at all', async () => {
    const shared = await one(
      `- shares-namespace: [pid, net]\n  process: '^sleep 3931$'\n  with: host`,
    );
    expect(shared).toMatchObject({ ok: true });
    const own = await one(`- shares-namespace: [uts]\n  process: '^sleep 3930$'\n  with: host`);
    expect(own.ok).toBe(false);
    expect(own.saw).toMatch(/has its own uts namespace, not the host's/);
    expect(
      await one(
        `- shares-namespace: [uts]\n  process: '^sleep 3930$'\n  with: host\n  shares: false`,
      ),
    ).toMatchObject({ ok: true });
    const pair = await one(
      `- shares-namespace: [uts]\n  process: '^sleep 3930$'\n  with: '^sleep 3936$'`,
    );
    expect(pair.ok).toBe(false);
    expect(pair.saw).toMatch(/not pid \d+ \(sleep 3936\)'s/);
  });

  it('hostname-in: the name a process sees in its own UTS namespace', async () => {
    expect(await one(`- hostname-in: '^sleep 3936$'\n  equals: contlab-hn`)).toMatchObject({
      ok: true,
    });
    const r = await one(`- hostname-in: '^sleep 3936$'\n  equals: other`);
    expect(r.ok).toBe(false);
    expect(r.saw).toMatch(/sees the hostname contlab-hn/);
  });

  it('status: what runc says of a container (absent, then running)', async () => {
    const check = (state: string): string =>
      `- status: ${state}\n  container: contlab-st\n  via: runc\n  root: $LAB_DIR/runc`;
    expect(await one(check('absent'))).toMatchObject({ ok: true });
    const missing = await one(check('running'));
    expect(missing.ok).toBe(false);
    expect(missing.saw).toMatch(/no container contlab-st/);
    await sh(
      [
        'cd "$LAB_BUNDLE"',
        'runc spec',
        'jq --arg cg "/$LAB_CGROUP/contlab-st" \'. * {"process": {"terminal": false, "args": ["sleep", "3937"]}, "linux": {"cgroupsPath": $cg}}\' config.json > config.new && mv config.new config.json',
        'runc --root "$LAB_DIR/runc" run --detach contlab-st',
      ].join('\n'),
    );
    try {
      expect(await one(check('running'))).toMatchObject({ ok: true });
      expect((await one(check('paused'))).saw).toMatch(/: running$/);
    } finally {
      await sh(
        'runc --root "$LAB_DIR/runc" delete --force contlab-st; rm -f "$LAB_BUNDLE/config.json"',
      );
    }
    expect(await one(check('absent'))).toMatchObject({ ok: true });
  });
});

/**
 * The timeline and undo from another terminal, on a lab this test runs (as the player runs
 * one): `contlab timeline` (text and --json) reads what the lab's shell did, and
 * `contlab reset LESSON STEP` takes the running lab back to the kernel state the step began
 * with (the learner's shell stays).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { contlabBin } from '../../src/engine/repo.js';
import { processExists } from '../helpers/host.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { openTimelineLab, type TimelineLab } from './lab-shell.js';

let t: TimelineLab;
beforeAll(async () => {
  ensureBuilt();
  t = await openTimelineLab('sample-cgroups');
}, 180_000);
afterAll(async () => {
  await t?.close();
});

/** bin/contlab, without blocking this process (it runs the lab being looked at). */
function contlab(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(contlabBin, args, {
      env: { ...t.temp.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('contlab timeline and contlab reset on a running lab', () => {
  it('prints what each command did, as text and as JSON', async () => {
    const made = await t.run(
      'mkdir "$LAB_CGROUP_MEMORY/demo" && echo 64M > "$LAB_CGROUP_MEMORY/demo/$LAB_MEMORY_MAX"',
    );
    const cg = made.items.find((i) => i.kind === 'cgroup' && i.change === 'made');
    expect(cg).toMatchObject({ path: 'demo' });
    // A process killed by a signal: said from its wait status, in each language.
    await t.run("sh -c 'kill -9 $$'");
    await t.run('sleep 3999 &');
    const text = await contlab(['timeline']);
    expect(text.stdout).toMatch(/ran sh -c kill -9 \$\$, killed by SIGKILL/);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /\$ mkdir "\$LAB_CGROUP_MEMORY\/demo"[^\n]*\n( +[^\n]*\n)*? +cgroup demo \(memory\) made/,
    );
    expect(text.stdout).toMatch(
      /memory\.(limit_in_bytes|max) of cgroup demo \(memory\): .*67108864/,
    );
    expect(text.stdout).toMatch(/started sleep 3999, still running/);
    expect(text.stdout).toMatch(
      /^timeline of session-\d+-\d+ \(lesson sample-cgroups\): \d+ entries\n/,
    );
    // In Russian (--lang, or LANG): the same entries in its words; --json stays as it is.
    const ru = await contlab(['--lang', 'ru', 'timeline']);
    expect(ru.code).toBe(0);
    expect(ru.stdout).toMatch(
      /^хронология session-\d+-\d+ \(урок sample-cgroups\): \d+ (запись|записи|записей)\n/,
    );
    expect(ru.stdout).toMatch(/\(код 0, \d+(\.\d)? м?с\) {2}\[шаг \d\]/);
    expect(ru.stdout).toMatch(/ +cgroup demo \(memory\) создана/);
    expect(ru.stdout).toMatch(/memory\.(limit_in_bytes|max) в cgroup demo \(memory\): .*67108864/);
    expect(ru.stdout).toMatch(/запустил sleep 3999, ещё работает/);
    expect(ru.stdout).toMatch(/выполнил sh -c kill -9 \$\$, убит сигналом SIGKILL/);
    expect(ru.stdout).not.toMatch(/ made|still running|exit 0|\[step /);
    const byLocale = await contlab(['timeline'], {
      LANG: 'ru_RU.UTF-8',
      LC_ALL: '',
      LC_MESSAGES: '',
    });
    expect(byLocale.stdout).toBe(ru.stdout);
    const json = await contlab(['timeline', '--json', '--last', '1']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { live: boolean; entries: { command: string }[] };
    expect(parsed).toMatchObject({ live: true, entries: [{ command: 'sleep 3999 &' }] });
    const ruJson = await contlab(['--lang', 'ru', 'timeline', '--json', '--last', '1']);
    expect(ruJson.stdout).toBe(json.stdout);
    const bad = await contlab(['timeline', '--last', 'x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--last needs a positive number/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('reset LESSON STEP takes the running lab back to where the step began', async () => {
    const scope = t.lab.timeline.entries().at(-1);
    const sleep = scope?.items.find((i) => i.kind === 'process' && i.change === 'started');
    if (sleep?.kind !== 'process') throw new Error('no sleep in the timeline');
    const r = await contlab(['reset', 'sample-cgroups', 'limit']);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/undone: process \d+/);
    expect(r.stdout).toMatch(/undone: cgroup .*\/demo/);
    expect(processExists(sleep.pid)).toBe(false);
    // The learner's shell is still there, and the cgroup (removed) can be made again.
    const again = await t.run('mkdir "$LAB_CGROUP_MEMORY/demo"');
    expect(again.exitStatus).toBe(0);
  });
});

/**
 * contlab-procwatch on the real kernel: the proc connector's events of a watched process and
 * its descendants, with the namespaces read at the exec of a program that ends at once; and
 * the helper never outlives the process that started it, even one killed with SIGKILL.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ProcWatch, procwatchBin, type ProcEvent } from '../../src/engine/timeline/proc-events.js';
import { processExists } from '../helpers/host.js';

const watches: ProcWatch[] = [];
afterEach(() => {
  for (const w of watches.splice(0)) w.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('contlab-procwatch', () => {
  it("reports a watched process's children, with the net namespace of one that ended at once", async () => {
    const recorded: number[] = [];
    const w = new ProcWatch({ record: (pid) => Promise.resolve(void recorded.push(pid)) });
    watches.push(w);
    const events: ProcEvent[] = [];
    w.on('event', (e) => events.push(e));
    expect(await w.start()).toBe(true);
    // Journaled as soon as it was spawned.
    expect(recorded).toEqual([w.pid]);
    const sh = spawn('sh', ['-c', 'read x; unshare --net true; exit 3'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = new Promise((r) => sh.on('exit', r));
    w.watch(sh.pid as number);
    await w.sync();
    sh.stdin.end('go\n');
    await exited;
    await w.sync();
    const execs = events.filter(
      (e): e is Extract<ProcEvent, { kind: 'exec' }> => e.kind === 'exec',
    );
    const t = execs.find((e) => e.args[0] === 'true');
    expect(t?.read).toBe(true);
    const ownNet = execs.find((e) => e.args[0] === 'unshare')?.ns.net;
    expect(t?.ns.net).toBeDefined();
    expect(t?.ns.net).not.toBe(ownNet);
    expect(events.find((e) => e.kind === 'exit' && e.pid === sh.pid)).toMatchObject({
      status: 3 << 8,
    });
    // Another process (not watched, not in the lab's cgroup) is not reported.
    const other = spawn('true');
    await new Promise((r) => other.on('exit', r));
    await w.sync();
    expect(events.some((e) => e.pid === other.pid)).toBe(false);
  });

  it('ends when the process that started it is killed with SIGKILL', async () => {
    // The helper's stdin is a FIFO this test keeps open: its end of file cannot end it, only
    // the death of its parent (PR_SET_PDEATHSIG) can.
    const dir = mkdtempSync('/tmp/contlab-pw-');
    const fifo = join(dir, 'stdin');
    execFileSync('mkfifo', [fifo]);
    const keep = openSync(fifo, 'r+');
    try {
      const parent = spawn(
        'sh',
        ['-c', `"${procwatchBin}" <"${fifo}" >/dev/null & echo $!; exec sleep 60`],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      const pid = await new Promise<number>((r) =>
        parent.stdout.once('data', (d: Buffer) => r(Number(String(d).trim()))),
      );
      await sleep(200);
      expect(processExists(pid)).toBe(true);
      // The helper's parent is the shell that exec'd into sleep: kill it.
      process.kill(parent.pid as number, 'SIGKILL');
      const deadline = Date.now() + 5_000;
      while (processExists(pid) && Date.now() < deadline) await sleep(50);
      const left = processExists(pid);
      if (left) process.kill(pid, 'SIGKILL');
      expect(left).toBe(false);
    } finally {
      closeSync(keep);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The timeline on the real kernel, through the lab as the player opens it: a learner's bash
 * in a pty (the lab's prompt hook marks each command), the kernel's process events
 * (contlab-procwatch), the cgroup watch and the looks at the lab. Each command typed gives
 * one entry saying what it did to the kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJournal } from '../../src/engine/journal.js';
import { journalDir } from '../../src/engine/paths.js';
import { listPids } from '../../src/engine/procfs.js';
import { processExists } from '../helpers/host.js';
import type { TimelineEntry, TimelineItem } from '../../src/engine/timeline/types.js';
import { describeEntry, openTimelineLab, type TimelineLab } from './lab-shell.js';

let t: TimelineLab;
beforeAll(async () => {
  t = await openTimelineLab();
}, 60_000);
afterAll(async () => {
  const helpers = procwatchPids();
  if (process.env.TIMELINE_DUMP)
    for (const e of t.lab.timeline.entries()) process.stderr.write(`${describeEntry(e)}\n`);
  await t?.close();
  // Closing the lab ends it.
  expect(helpers.filter((pid) => processExists(pid))).toEqual([]);
});

type Of<K extends TimelineItem['kind']> = Extract<TimelineItem, { kind: K }>;
const itemsOf = <K extends TimelineItem['kind']>(e: TimelineEntry, kind: K): Of<K>[] =>
  e.items.filter((i): i is Of<K> => i.kind === kind);

/** The lab's contlab-procwatch: a child of this process (comm is cut at 15 characters). */
function procwatchPids(): number[] {
  return listPids().filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === process.pid && stat.includes('(contlab-procwat');
    } catch {
      return false;
    }
  });
}

describe('the process-event helper', () => {
  it('is journaled while it runs (cleanup ends it after a crash)', () => {
    const pids = procwatchPids();
    expect(pids).toHaveLength(1);
    const journaled = readdirSync(journalDir()).flatMap((f) =>
      parseJournal(readFileSync(join(journalDir(), f), 'utf8'), f).live.map((l) => l.resource),
    );
    expect(journaled).toContainEqual(expect.objectContaining({ kind: 'process', pid: pids[0] }));
  });
});

describe('the timeline of a command', () => {
  it('shows the net namespace `unshare --net true` made, and that it is gone', async () => {
    const e = await t.run('unshare --net true');
    const why = describeEntry(e);
    expect(e.command).toBe('unshare --net true');
    expect(e.exitStatus).toBe(0);
    const net = itemsOf(e, 'namespace').filter((i) => i.type === 'net');
    // Read by the kernel's exec event: its inode, though `true` ended within a millisecond.
    expect({ why, net }).toMatchObject({
      net: [{ change: 'created and gone', inode: expect.any(Number) }],
    });
    expect(itemsOf(e, 'process').some((p) => p.commands.includes('true'))).toBe(true);
  });

  it('shows the namespace of a command that ends in under 10 ms', async () => {
    const e = await t.run('unshare --uts --ipc /bin/true');
    const why = describeEntry(e);
    const types = itemsOf(e, 'namespace')
      .filter((i) => i.inode !== null)
      .map((i) => i.type)
      .sort();
    expect({ why, types }).toMatchObject({ types: ['ipc', 'uts'] });
  });

  it('shows both ends of a veth pair made in a network namespace of the lab', async () => {
    const started = await t.run('unshare --net --fork bash');
    expect({
      why: describeEntry(started),
      made: itemsOf(started, 'namespace').some((i) => i.type === 'net' && i.change === 'created'),
    }).toMatchObject({ made: true });
    const e = await t.run('ip link add contlab-a type veth peer name contlab-b');
    const why = describeEntry(e);
    const added = itemsOf(e, 'interface').filter((i) => i.change === 'added');
    expect({ why, names: added.map((i) => i.name).sort() }).toMatchObject({
      names: ['contlab-a', 'contlab-b'],
    });
    for (const i of added) {
      expect(i.host).toBe(false);
      expect(i.type).toBe('veth');
      expect(i.peer).toBe(i.name === 'contlab-a' ? 'contlab-b' : 'contlab-a');
    }
    const gone = await t.run('exit');
    expect(describeEntry(gone)).toMatch(/network namespace \d+ gone/);
  });

  it('names the program of a background child that execs after the prompt came', async () => {
    // The subshell is a fork of the lab shell (the same command line) until it execs
    // sleep 3779, 200 ms after the prompt: the entry waits for that exec.
    const e = await t.run('(sleep 0.2; exec sleep 3779) &');
    const why = describeEntry(e);
    expect({ why, started: /started sleep 3779, still running/.test(why) }).toMatchObject({
      started: true,
    });
    await t.run('kill %1');
  });

  it('shows the capability `capsh --drop` dropped', async () => {
    const e = await t.run('capsh --drop=cap_chown -- -c true');
    const why = describeEntry(e);
    const caps = itemsOf(e, 'capabilities');
    expect({
      why,
      dropped: caps.some((c) => c.dropped.includes('cap_chown') && c.sets.includes('bounding')),
    }).toMatchObject({
      dropped: true,
    });
  });

  it('shows the OOM kill of a memory hog in a 32 MiB cgroup', async () => {
    const cg = '"$LAB_CGROUP_MEMORY/contlab-hog"';
    const made = await t.run(
      `mkdir ${cg} && echo 32M > ${cg}/"$LAB_MEMORY_MAX" && echo 0 > ${cg}/memory.swappiness 2>/dev/null; true`,
    );
    const limits = itemsOf(made, 'cgroup').filter(
      (i) => i.change === 'limit' && i.path === 'contlab-hog',
    );
    expect({ why: describeEntry(made), limits }).toMatchObject({
      limits: expect.arrayContaining([
        expect.objectContaining({
          file: expect.stringMatching(/^memory\.(max|limit_in_bytes)$/),
          after: String(32 << 20),
        }),
      ]),
    });
    const e = await t.run(
      `bash -c 'echo $$ > ${cg}/cgroup.procs && head -c 256M /dev/zero | tail'`,
    );
    const why = describeEntry(e);
    const events = itemsOf(e, 'cgroup').filter(
      (i) => i.change === 'event' && /oom_kill$/.test(i.file ?? ''),
    );
    expect({ why, events }).toMatchObject({
      events: [{ path: 'contlab-hog', before: '0', after: '1' }],
    });
    expect(itemsOf(e, 'process').some((p) => p.end === 'killed by SIGKILL')).toBe(true);
  });
});

/**
 * kill -9 of the lab at random points across lessons 03 (cgroups), 06 (by hand), 08
 * (containerd) and 09 (docker), with their daemons, containers, cgroups and unshare'd
 * processes running: with no command typed, the lab's supervisor must leave nothing behind
 * (cgroups, mounts, network namespaces and interfaces, processes, daemons, shims,
 * containers, session directories, journal). The lessons are played headlessly by the real
 * `contlab verify LESSON --auto --step N`, killed after a seeded random delay; the seed is
 * printed so a failure can be replayed: CONTLAB_KILL_SEED=<seed> (and CONTLAB_KILLS=<n> for
 * fewer kills). Each kill reports how long the host took to be clean again.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostMountPoints } from '../../src/engine/mounts-host.js';
import {
  cmdlineOf,
  identityOf,
  isAlive,
  listPids,
  type ProcessIdentity,
} from '../../src/engine/procfs.js';
import { contlabBin, repoRoot } from '../../src/engine/repo.js';
import { contlab } from '../helpers/cli.js';
import { buildDist, labCgroupDirs, namespaceCgroupDirs, sigkill } from '../helpers/daemons.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { msUntil } from '../helpers/supervisor.js';

/** Per lesson, the steps to play up to and the window (ms) in which the kill falls. */
const PLANS: { lesson: string; steps: { step: number; windowMs: number }[] }[] = [
  {
    lesson: 'cgroups',
    steps: [
      { step: 2, windowMs: 4_000 },
      { step: 3, windowMs: 7_500 },
      { step: 5, windowMs: 12_000 },
    ],
  },
  {
    lesson: 'by-hand',
    steps: [
      { step: 2, windowMs: 3_500 },
      { step: 3, windowMs: 4_500 },
    ],
  },
  {
    lesson: 'containerd',
    steps: [
      { step: 1, windowMs: 2_500 },
      { step: 3, windowMs: 4_500 },
    ],
  },
  {
    lesson: 'docker',
    steps: [
      { step: 1, windowMs: 3_500 },
      { step: 2, windowMs: 5_000 },
      { step: 3, windowMs: 9_000 },
    ],
  },
];
const KILLS = Number(process.env.CONTLAB_KILLS ?? 20);
const SEED = Number(process.env.CONTLAB_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** A correctness bound, not the goal: the goal (5 s) is reported for every kill. */
const DEADLINE_MS = 30_000;
const GOAL_MS = 5_000;

/** mulberry32: a small seeded generator, so a run can be replayed exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lab = makeTempLab();
const base = join(lab.home, '..');
const running: ChildProcess[] = [];

beforeAll(() => buildDist());

afterAll(async () => {
  for (const c of running) await sigkill(c);
  contlab(['cleanup'], lab.env);
  lab.remove();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Host-wide names the lab might leave that carry no session name: compared before/after. */
function hostNames(): Set<string> {
  const containerdRunc = listNames('/run/containerd/runc').flatMap((ns) =>
    listNames(join('/run/containerd/runc', ns)).map((id) => `runc state ${ns}/${id}`),
  );
  return new Set([
    ...listNames('/run/netns')
      .filter((n) => n.startsWith('contlab'))
      .map((n) => `netns ${n}`),
    ...listNames('/sys/class/net')
      .filter((n) => n.startsWith('contlab'))
      .map((n) => `interface ${n}`),
    ...listNames('/run/containerd/s').map((n) => `shim socket ${n}`),
    ...containerdRunc,
  ]);
}

/** Processes that are the lab's: in its cgroups, or naming its session or lab directories. */
function labProcesses(sessionId: string): ProcessIdentity[] {
  const out: ProcessIdentity[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    let cgroup = '';
    try {
      cgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdlineOf(pid).join(' ');
    if (!cgroup.includes(sessionId) && !args.includes(sessionId) && !args.includes(base)) continue;
    const id = identityOf(pid);
    if (id !== undefined && isAlive(id)) out.push(id);
  }
  return out;
}

/** The process tree under `root` (the lab), for the "nothing it started survives" check. */
function descendants(root: number): ProcessIdentity[] {
  const children = new Map<number, number[]>();
  for (const pid of listPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // gone meanwhile
    }
  }
  const out: ProcessIdentity[] = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    const id = identityOf(pid);
    if (id !== undefined) out.push(id);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Everything of session `sessionId` still on the host, in words (empty: clean). */
function leftovers(sessionId: string, doomed: ProcessIdentity[], before: Set<string>): string[] {
  const out: string[] = [];
  for (const d of labCgroupDirs(sessionId)) out.push(`cgroup ${d}`);
  // ctr's default cgroup parent is the containerd namespace, the lab's contlab-<lab pid>.
  for (const d of namespaceCgroupDirs(`contlab-${sessionId.split('-')[1] ?? ''}`))
    out.push(`cgroup ${d}`);
  const seen = new Set<number>();
  for (const id of [...doomed.filter(isAlive), ...labProcesses(sessionId)]) {
    if (seen.has(id.pid)) continue;
    seen.add(id.pid);
    out.push(`process ${id.pid} ${cmdlineOf(id.pid).join(' ').slice(0, 120)}`);
  }
  for (const m of hostMountPoints())
    if (m.startsWith(base + '/') || m.includes(sessionId)) out.push(`mount ${m}`);
  for (const p of [
    join(lab.home, 'sessions', sessionId),
    join(lab.run, sessionId),
    join(lab.home, 'journal', `${sessionId}.jsonl`),
  ])
    if (existsSync(p)) out.push(`path ${p}`);
  for (const name of hostNames()) if (!before.has(name)) out.push(name);
  return out;
}

/** The lines of scripts/leak-check.sh about this test's labs (others' labs may be running). */
function leakCheck(sessions: string[]): string[] {
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'leak-check.sh')], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(base) || sessions.some((s) => l.includes(s)));
}

/** Waits for the journal of the run's session to appear; its name is the session id. */
async function sessionOf(child: ChildProcess, known: Set<string>): Promise<string | undefined> {
  const dir = join(lab.home, 'journal');
  let found: string | undefined;
  await msUntil(() => {
    found = listNames(dir).find((f) => f.endsWith('.jsonl') && !known.has(f));
    return found !== undefined || child.exitCode !== null || child.signalCode !== null;
  }, 60_000);
  return found?.replace(/\.jsonl$/, '');
}

interface Kill {
  n: number;
  lesson: string;
  step: number;
  delayMs: number;
  session?: string;
  /** ms from SIGKILL until nothing was left; -1 when something stayed past the deadline. */
  cleanMs?: number;
  /** The run ended by itself before the kill (it then closed its lab). */
  finishedFirst?: boolean;
  left: string[];
  /** When not clean within the goal: what was still there then, and the supervisor's log. */
  late?: string[];
  log?: string;
}

/** The supervisor's log lines about `session` (its cleanup's output follows its lines). */
function supervisorLogOf(session: string): string {
  const path = join(lab.home, 'supervise.log');
  if (!existsSync(path)) return '';
  const lines = readFileSync(path, 'utf8').split('\n');
  const first = lines.findIndex((l) => l.includes(`${session}: lab pid`));
  const last = lines.findIndex((l, i) => i > first && l.includes(`${session}: cleanup finished`));
  if (first < 0) return '    (the supervisor never saw the lab end)';
  return lines
    .slice(first, last < 0 ? undefined : last + 1)
    .map((l) => `    ${l}`)
    .join('\n');
}

describe('kill -9 of the lab anywhere in lessons 03, 06, 08, 09', () => {
  test(
    `${KILLS} kills: nothing is left, with no command typed`,
    async () => {
      process.stdout.write(
        `kill-anywhere seed: ${SEED} (replay: CONTLAB_KILL_SEED=${SEED} jest test/daemons/kill-anywhere.test.ts)\n`,
      );
      const rand = random(SEED);
      const kills: Kill[] = [];
      const knownJournals = new Set<string>();
      for (let n = 0; n < KILLS; n++) {
        const plan = PLANS[n % PLANS.length] as (typeof PLANS)[number];
        const pick = plan.steps[Math.floor(rand() * plan.steps.length)] as {
          step: number;
          windowMs: number;
        };
        let delayMs = Math.round(200 + rand() * (pick.windowMs - 200));
        // A step that ran faster than its window (a quicker machine, a faster shell) ended
        // before the kill: kill it again, sooner, rather than test nothing.
        for (let attempt = 1; ; attempt++) {
          const kill: Kill = { n, lesson: plan.lesson, step: pick.step, delayMs, left: [] };
          kills.push(kill);
          const before = hostNames();
          const child = spawn(
            process.execPath,
            [contlabBin, 'verify', plan.lesson, '--auto', '--step', String(pick.step)],
            { env: lab.env, stdio: ['ignore', 'pipe', 'pipe'] },
          );
          running.push(child);
          let output = '';
          child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
          child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
          const session = await sessionOf(child, knownJournals);
          if (session === undefined) throw new Error(`the lab never opened:\n${output}`);
          kill.session = session;
          knownJournals.add(`${session}.jsonl`);
          const exited = new Promise((r) => child.once('exit', r));
          await Promise.race([sleep(delayMs), exited]);
          kill.finishedFirst = child.exitCode !== null;
          const doomed = [...descendants(child.pid as number), ...labProcesses(session)];
          await sigkill(child);
          const clean = (): boolean => leftovers(session, doomed, before).length === 0;
          kill.cleanMs = await msUntil(clean, GOAL_MS);
          if (kill.cleanMs < 0) {
            // Late: say what was still there at the goal, and what the supervisor did.
            kill.late = leftovers(session, doomed, before);
            const more = await msUntil(clean, DEADLINE_MS - GOAL_MS);
            kill.cleanMs = more < 0 ? -1 : GOAL_MS + more;
            kill.log = supervisorLogOf(session);
          }
          kill.left = [...leftovers(session, doomed, before), ...leakCheck([session])];
          process.stdout.write(
            `kill ${n + 1}/${KILLS}: ${plan.lesson} --step ${pick.step} after ${delayMs} ms` +
              (kill.finishedFirst ? ' (the run had finished)' : '') +
              `: clean ${kill.cleanMs < 0 ? `NOT within ${DEADLINE_MS} ms` : `after ${kill.cleanMs} ms`}` +
              (kill.left.length > 0 ? `; left: ${kill.left.join('; ')}` : '') +
              (kill.late === undefined
                ? ''
                : `\n  still there after ${GOAL_MS} ms: ${kill.late.join('; ')}\n  supervisor log:\n${kill.log ?? ''}`) +
              '\n',
          );
          if (kill.finishedFirst !== true || attempt === 3) break;
          kills.pop();
          delayMs = Math.round(delayMs / 2);
        }
      }

      const times = kills
        .filter((k) => !k.finishedFirst && (k.cleanMs ?? -1) >= 0)
        .map((k) => k.cleanMs as number)
        .sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] ?? 0;
      process.stdout.write(
        `kill-anywhere (seed ${SEED}): ${times.length} kills, clean after median ${median} ms, ` +
          `max ${times[times.length - 1] ?? 0} ms; over the ${GOAL_MS} ms goal: ` +
          `${times.filter((t) => t > GOAL_MS).length}\n`,
      );
      // Every kill landed while the lesson ran, and each one left nothing (within the bound).
      expect(
        kills.filter((k) => k.finishedFirst).map((k) => `${k.lesson} --step ${k.step}`),
      ).toEqual([]);
      expect(kills.filter((k) => k.left.length > 0 || (k.cleanMs ?? -1) < 0)).toEqual([]);
      // The whole-host check, for this test's labs.
      expect(leakCheck(kills.map((k) => k.session ?? '-'))).toEqual([]);
    },
    KILLS * 60_000,
  );
});

/**
 * Classroom mode end to end on loopback: the real `contlab class serve`, and 30 attendee
 * labs (each its own process: a real LessonRun with its lab, a bash in a pty typing the
 * steps' commands, checkpoints evaluated on the kernel, and the real join client with the
 * class reporter) walking lessons 00 and 02 at different paces, asking for hints and
 * solutions, two of them with the same name, two leaving. The dashboard's room (its JSON and
 * the web page in headless Chromium) must match what each lab did. Then the server is
 * killed with SIGKILL, one lab passes a step while it is gone, and the restarted server
 * must have every attendee's progress, that step included.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type BrowserContext } from 'playwright-core';
import type { RoomView } from '../../src/class/room-view.js';
import { repoRoot } from '../../src/engine/repo.js';
import { labCgroupDirs, sigkill } from '../helpers/daemons.js';
import { makeTempLab, type TempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { fetchRoom, until } from './helpers.js';

const ATTENDEES = 30;
const FIXTURE = join(repoRoot, 'test', 'class', 'fixtures', 'attendee.mjs');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface LabRecord {
  name: string;
  lesson: string;
  step: number;
  passed: string[];
  stepPassed: boolean;
  hints: number;
  solutions: number;
  failing: string[];
  session: string;
}

type Answer = { event: string; message?: string } & LabRecord;

interface Plan {
  name: string;
  lesson: 'process' | 'namespaces';
  pass: number;
  delayMs: number;
  hint: boolean;
  solution: boolean;
}

/** Attendee i: even ones play lesson 00, odd ones 02; paces, hints and names differ. */
function planOf(i: number): Plan {
  const process00 = i % 2 === 0;
  return {
    name: i === 1 || i === 2 ? 'Ana' : `attendee-${String(i).padStart(2, '0')}`,
    lesson: process00 ? 'process' : 'namespaces',
    pass: process00 ? i % 3 : i % 4 === 3 ? 1 : 0,
    delayMs: (i % 5) * 400,
    hint: i % 3 === 0,
    solution: i % 6 === 0,
  };
}

/** One attendee's lab process, answering JSON lines. */
class Attendee {
  private readonly waiting: ((m: Answer) => void)[] = [];
  record: LabRecord | undefined;
  stderr = '';
  closed = false;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = JSON.parse(line) as Answer;
      if (m.event === 'closed') this.closed = true;
      if (m.event === 'ready' || m.event === 'record' || m.event === 'left') this.record = m;
      this.waiting.shift()?.(m);
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  static start(plan: Plan, i: number, port: number, code: string, env: NodeJS.ProcessEnv) {
    const args = {
      ...plan,
      port,
      code,
      token: `classroom-test-${i}-${process.pid}`,
      progressFile: join(String(env.CONTLAB_HOME), `progress-${i}.json`),
    };
    return new Attendee(spawn(process.execPath, [FIXTURE, JSON.stringify(args)], { env }));
  }

  next(): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer:\n${this.stderr}`)), 240_000);
      this.waiting.push((m) => {
        clearTimeout(timer);
        if (m.event === 'error') reject(new Error(`attendee failed: ${m.message}`));
        else resolve(m);
      });
    });
  }

  async command(line: string): Promise<LabRecord> {
    const answer = this.next();
    this.child.stdin.write(`${line}\n`);
    return answer;
  }
}

/** The class server, as the instructor runs it. */
class Server {
  output = '';
  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
    child.on('exit', (code, signal) => (this.output += `\n[exited ${code ?? signal}]`));
  }

  static async start(args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(join(repoRoot, 'bin', 'contlab'), ['class', 'serve', ...args], { env });
    const server = new Server(child);
    servers.push(server);
    const [, port, code] = await until(
      () => /contlab class join 127\.0\.0\.1:(\d+) (\w+)/.exec(server.output) ?? undefined,
      () => `the server's join line\n${server.output}`,
      30_000,
    );
    const key = /\/\?key=([\w-]+)/.exec(server.output)?.[1] as string;
    return { server, port: Number(port), code: code as string, key };
  }
}

const sortNames = (xs: string[]): string[] => [...xs].sort();

/** The dashboard's room against what every lab says it did. */
function expectRoomMatches(view: RoomView, records: LabRecord[], left: Set<string>): void {
  expect(view.counts).toEqual({
    attendees: records.length,
    online: records.length - left.size,
    away: 0,
    left: left.size,
    stuck: records.filter((r) => !left.has(r.name) && !r.stepPassed).length,
    following: records.length - left.size,
  });
  for (const r of records) {
    const row = view.attendees.find((a) => a.name === r.name);
    expect({ name: r.name, row }).toEqual({
      name: r.name,
      row: expect.objectContaining({
        status: left.has(r.name) ? 'left' : 'online',
        lesson: r.lesson,
        step: r.step,
        passed: r.passed.length,
        stepPassed: r.stepPassed,
        hints: r.hints,
        solutions: r.solutions,
      }),
    });
    expect({ name: r.name, failing: sortNames(row!.failing.map((c) => c.name)) }).toEqual({
      name: r.name,
      failing: sortNames(r.stepPassed ? [] : r.failing),
    });
  }
  for (const lesson of view.lessons) {
    const players = records.filter((r) => r.lesson === lesson.id);
    for (const s of lesson.steps) {
      expect({ lesson: lesson.id, step: s.number, counts: [s.here, s.reached, s.passed] }).toEqual({
        lesson: lesson.id,
        step: s.number,
        counts: [
          players.filter((r) => !left.has(r.name) && r.step === s.number).length,
          players.filter((r) => r.step >= s.number).length,
          players.filter((r) => r.passed.includes(s.id)).length,
        ],
      });
      // Every pass of this run was timed (a lab reports how long it took).
      expect(s.medianMs === null).toBe(s.passed === 0);
    }
  }
  // The check the room fails most: as many as the largest tally of the labs' own failures.
  const tally = new Map<string, number>();
  for (const r of records)
    if (!left.has(r.name) && !r.stepPassed)
      for (const c of r.failing) {
        const k = `${r.lesson}/${r.step}/${c}`;
        tally.set(k, (tally.get(k) ?? 0) + 1);
      }
  const most = Math.max(...tally.values());
  const f = view.mostFailed!;
  expect(f.count).toBe(most);
  expect(tally.get(`${f.lesson}/${f.step}/${f.check}`)).toBe(most);
}

let lab: TempLab;
const attendees: Attendee[] = [];
/** Every server started (killed at the end, also one that never printed its banner). */
const servers: Server[] = [];
let browser: BrowserContext | undefined;

beforeAll(() => {
  ensureBuilt();
  lab = makeTempLab();
  mkdirSync(lab.home, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(
    attendees.map(async (a) => {
      if (a.closed || a.child.exitCode !== null) return;
      const exited = new Promise((r) => a.child.once('exit', r));
      a.child.stdin.write('quit\n');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      await sigkill(a.child);
    }),
  );
  for (const s of servers) await sigkill(s.child);
  lab.remove();
});

describe('a class of 30 labs', () => {
  it('shows what each lab did, in the room and on the web page, and survives a server kill', async () => {
    const roomFile = join(lab.home, 'class-room.json');
    const serveArgs = ['--host', '127.0.0.1', '--no-qr', '--stuck-minutes', '0.02'];
    const first = await Server.start([...serveArgs, '--port', '0', '--file', roomFile], lab.env);
    const { port, code, key } = first;

    const plans = Array.from({ length: ATTENDEES }, (_, i) => planOf(i));
    plans.forEach((p, i) => attendees.push(Attendee.start(p, i, port, code, lab.env)));
    const records = await Promise.all(attendees.map((a) => a.next()));
    expect(new Set(records.map((r) => r.name)).size).toBe(ATTENDEES);
    expect(sortNames(records.map((r) => r.name)).slice(0, 2)).toEqual(['Ana', 'Ana (2)']);
    // The paces really differ: labs rest on different steps with different progress.
    expect(new Set(records.map((r) => `${r.lesson}/${r.step}`)).size).toBeGreaterThanOrEqual(4);

    // Two attendees leave; their rows stay (their work counts), marked as left.
    const leaving = [28, 29].map((i) => attendees[i] as Attendee);
    const left = new Set<string>();
    for (const a of leaving) left.add((await a.command('leave')).name);

    const current = (): LabRecord[] => attendees.map((a) => a.record as LabRecord);
    const matched = await until(
      async () => {
        const view = await fetchRoom(port, key);
        expectRoomMatches(view, current(), left);
        return view;
      },
      'the room to match the labs',
      60_000,
    );
    expect(matched.mostFailed?.explain).not.toBe('');

    // The web page, in a real headless Chromium, shows the same.
    browser = await chromium.launchPersistentContext(join(lab.home, 'chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1600, height: 1200 },
    });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?key=${key}`);
    await page.waitForSelector(`#attendees tbody tr:nth-child(${ATTENDEES})`);
    const rows = await page.$$eval('#attendees tbody tr', (trs) =>
      trs.map((tr) => {
        const cell = (f: string): string =>
          tr.querySelector(`[data-field="${f}"]`)?.textContent?.trim() ?? '';
        return {
          name: cell('name'),
          step: tr.querySelector('[data-field="step"]')?.getAttribute('data-step'),
          done: cell('done'),
          hints: cell('hints'),
          solutions: cell('solutions'),
          stuck: tr.classList.contains('is-stuck'),
          left: tr.classList.contains('left'),
        };
      }),
    );
    for (const r of current()) {
      const row = rows.find((x) => x.name === r.name);
      const steps = r.lesson === 'process' ? 3 : 12;
      expect({ name: r.name, row }).toEqual({
        name: r.name,
        row: expect.objectContaining({
          step: String(r.step),
          done: `${r.passed.length}/${steps}`,
          hints: String(r.hints),
          solutions: String(r.solutions),
          stuck: !left.has(r.name) && !r.stepPassed,
          left: left.has(r.name),
        }),
      });
    }
    const online = await page.textContent('[data-count="online"]');
    expect(online).toBe(String(ATTENDEES - left.size));
    const tally = await page.textContent('[data-failed="tally"]');
    expect(tally).toBe(
      `${matched.mostFailed?.count} of the ${matched.mostFailed?.of} on that step fail it`,
    );
    const shot = join(lab.home, 'class-dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.CONTLAB_SCREENS === '1')
      await page.screenshot({
        path: join(repoRoot, 'docs', 'screens', 'class-dashboard.png'),
        fullPage: false,
      });
    expect(existsSync(shot)).toBe(true);

    // Kill the server. The labs keep working: one passes its step while the server is gone.
    await sigkill(first.server.child);
    const mover = attendees[5] as Attendee;
    const before = mover.record as LabRecord;
    const moved = await mover.command('pass');
    expect(moved.step).toBe(before.step + 1);
    expect(moved.passed.length).toBe(before.passed.length + 1);

    // The same class again, on the same port: every lab rejoins by itself and nothing is lost.
    const second = await Server.start(
      [...serveArgs, '--port', String(port), '--file', roomFile],
      lab.env,
    );
    expect([second.code, second.key]).toEqual([code, key]);
    expect(second.server.output).toMatch(/resumed \(30 attendees so far\)/);
    await until(
      async () => {
        const view = await fetchRoom(port, key);
        expectRoomMatches(view, current(), left);
        return view;
      },
      'the restarted room to match the labs',
      60_000,
    );
    // The page reconnects by itself and shows the step passed while the server was away.
    await until(
      async () =>
        (
          await page.$$eval('#attendees tbody tr', (trs) =>
            trs.map((tr) => [
              tr.querySelector('[data-field="name"]')?.textContent,
              tr.querySelector('[data-field="step"]')?.getAttribute('data-step'),
            ]),
          )
        ).some(([name, step]) => name === moved.name && step === String(moved.step))
          ? true
          : undefined,
      'the page to show the step passed while the server was away',
    );

    // Everyone quits: every lab is removed.
    const sessions = current().map((r) => r.session);
    await Promise.all(attendees.map((a) => a.command('quit')));
    for (const s of sessions) expect(labCgroupDirs(s)).toEqual([]);
    expect(readdirSync(join(lab.home, 'journal'))).toEqual([]);
  }, 600_000);
});

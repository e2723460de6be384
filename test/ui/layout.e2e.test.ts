/**
 * The player at the sizes learners have, end to end: the real bin/contlab in a pty at 80x24,
 * 100x30 and 160x50, read through a headless xterm. Every step of every lesson, at every
 * size: the title bar on every frame, no frame taller than the terminal (nothing scrolls),
 * every Markdown table drawn as a table, every command under "type in the shell" there in
 * full (scrolling the lesson through). Then a resize from 160x50 to 80x24 leaves nothing
 * stale on the screen, and Ctrl-T N runs command N. Build first (npm run build:ts).
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { lessonFiles, loadLessonFile } from '../../src/lessons/load.js';
import { unmetRequirements } from '../../src/lessons/session/requirements.js';
import { playerLayout } from '../../src/ui/app/layout.js';
import { splitCommands } from '../../src/ui/lessons/step-commands.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { KEYS, type UiRun } from './harness.js';
import { columns, endAll, startContlab } from './lab-check.js';

const lab = makeTempLab();
/** A second home: the resize test starts its lesson from the first step. */
const fresh = makeTempLab();
afterEach(endAll);
afterAll(() => {
  lab.remove();
  fresh.remove();
});
const env = { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run };

const SIZES = [
  [160, 50],
  [100, 30],
  [80, 24],
] as const;
const PAGE_DOWN = '\x1b[6~';
const squeezed = (s: string): string => s.replace(/\s+/g, '');
const lines = async (ui: UiRun): Promise<string[]> => (await ui.frame()).split('\n');

/** The frame's promises, checked on the screen as it is now. */
async function checkFrame(ui: UiRun, title: string, rows: number, where: string): Promise<void> {
  const screen = await lines(ui);
  const problems = [
    screen[0]?.startsWith(` contlab  ${title.slice(0, 20)}`) ? '' : 'no title bar on the first row',
    screen[rows - 1] === '' ? '' : 'the last row is not blank: the frame is too tall',
    ui.scrolls() === 0 ? '' : `the screen scrolled ${ui.scrolls()} times`,
    /\|\s*:?-{3,}:?\s*\|/.test(screen.join('\n')) ? 'a table in Markdown source form' : '',
  ].filter((p) => p !== '');
  if (problems.length > 0)
    throw new Error(`${where}: ${problems.join('; ')}:\n${screen.join('\n')}`);
}

/** Waits until the player has drawn step `n` at this size, its step set up. */
async function settled(
  ui: UiRun,
  n: number,
  total: number,
  cols: number,
  rows: number,
): Promise<void> {
  const left = playerLayout(cols, rows, false).left.width;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const screen = await lines(ui);
    const ready =
      screen.length === rows &&
      (screen[0] ?? '').includes(`step ${n}/${total}`) &&
      (screen[rows - 2] ?? '').startsWith('Ctrl-T +') &&
      Array.from(screen[2] ?? '')[left - 1] === '│' &&
      !screen.join('\n').includes('preparing the step');
    if (ready) return;
    if (Date.now() > deadline)
      throw new Error(`step ${n} at ${cols}x${rows} never settled:\n${ui.screenText()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The lesson pane's whole text, scrolled through page by page from where it is (the top):
 * each page's rows put where the rule under them says they are (`↑ N`: N rows above).
 */
async function lessonText(ui: UiRun, cols: number, rows: number): Promise<string> {
  const left = playerLayout(cols, rows, false).left.width;
  const page = async (): Promise<{ rule: string; rows: string[] }> => {
    const pane = columns((await lines(ui)).slice(2, rows - 2).join('\n'), 0, left - 1).split('\n');
    // The rule under the text (a Markdown rule in the text starts the same way: the last).
    const at = pane.findLastIndex((l) => /^ ─/.test(l));
    return { rule: pane[at] ?? '', rows: pane.slice(0, Math.max(0, at)) };
  };
  const text: string[] = [];
  let current = await page();
  for (let i = 0; i < 50; i++) {
    const above = Number(/↑ ?(\d+)/.exec(current.rule)?.[1] ?? 0);
    current.rows.forEach((row, y) => (text[above + y] = row));
    if (!/↓ ?\d+/.test(current.rule)) break;
    ui.press('ctrlT');
    ui.press(PAGE_DOWN);
    const before = current.rule;
    const deadline = Date.now() + 10_000;
    while ((current = await page()).rule === before && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return text.join('\n');
}

/** The screen once it stopped changing for a second. */
async function stable(ui: UiRun, ms = 1000): Promise<string[]> {
  let last = await ui.frame();
  let since = Date.now();
  const deadline = Date.now() + 20_000;
  while (Date.now() - since < ms && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await ui.frame();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return last.split('\n');
}

/** Scrolls the lesson pane back to its top. */
async function toTop(ui: UiRun): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (/─ ↑ ?\d+/.test(await ui.frame())) {
    if (Date.now() > deadline)
      throw new Error(`the lesson never scrolled back up:\n${ui.screenText()}`);
    ui.press('ctrlT');
    ui.press('\x1b[5~');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('every lesson at 80x24, 100x30 and 160x50', () => {
  const lessons = lessonFiles().map((f) => loadLessonFile(f));
  for (const lesson of lessons) {
    const unmet = unmetRequirements(lesson.requirements);
    test(`${lesson.id}: title, height, tables and commands on every step`, async () => {
      expect([lesson.id, unmet]).toEqual([lesson.id, []]);
      const [cols0, rows0] = SIZES[0];
      const ui = startContlab(['start', lesson.id], { env, cols: cols0, rows: rows0 });
      const total = lesson.steps.length;
      for (const step of lesson.steps) {
        if (step.number > 1) {
          ui.press('ctrlT');
          ui.press('n');
        }
        // Zig-zag through the sizes: every step is seen after a resize.
        const sizes = step.number % 2 === 1 ? SIZES : [...SIZES].reverse();
        for (const [cols, rows] of sizes) {
          if (ui.term.cols !== cols || ui.term.rows !== rows) {
            ui.resize(cols, rows);
            await ui.resized();
          }
          await settled(ui, step.number, total, cols, rows);
          const where = `${lesson.id} step ${step.number} at ${cols}x${rows}`;
          await checkFrame(ui, lesson.title, rows, where);
          const text = await lessonText(ui, cols, rows);
          await checkFrame(ui, lesson.title, rows, `${where} (scrolled)`);
          if (/^\|.*\|\s*$/m.test(step.prose))
            expect([where, text.includes('┌')]).toEqual([where, true]);
          for (const c of step.commands.flatMap((b) => splitCommands(b.text)))
            expect([where, c, squeezed(text).includes(squeezed(c))]).toEqual([where, c, true]);
          await toTop(ui);
        }
      }
      ui.press('ctrlT');
      ui.press('q');
      expect((await ui.exited(30_000)).exitCode).toBe(0);
    });
  }
});

describe('the player on a resized terminal', () => {
  test('160x50 to 80x24 mid-lesson redraws with nothing stale; Ctrl-T N runs command N', async () => {
    const ui = startContlab(['start', 'sample-namespaces'], {
      env: { CONTLAB_HOME: fresh.home, CONTLAB_RUN: fresh.run },
      cols: 160,
      rows: 50,
    });
    await ui.waitForText(/step 1\/\d+/, 30_000);
    await ui.waitForText(/lab:~[$#]/, 30_000);
    // The wide layout shows the live panels under the shell; the shell gets wide output.
    await ui.waitForText(/processes {2}namespaces {2}cgroup/);
    await ui.type("seq -s ' ' 1 60\r");
    await ui.waitForText(/ 59 60$/m);

    ui.resize(80, 24);
    await ui.resized();
    await settled(ui, 1, 6, 80, 24);
    const after = await stable(ui);
    await checkFrame(ui, 'Sample', 24, '80x24 after the resize');
    // What only the wide layout shows is gone, and the rule between the panes is whole.
    expect(after.join('\n')).not.toMatch(/namespaces {2}cgroup|live kernel/);
    const left = playerLayout(80, 24, false).left.width;
    for (const row of after.slice(1, 22)) expect(Array.from(row)[left - 1]).toBe('│');
    // A full redraw (Ctrl-T r) draws exactly what is on the screen already (the footer
    // aside: it shows the prefix was pressed).
    ui.press('ctrlT');
    ui.press('r');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stable(ui)).slice(0, 22)).toEqual(after.slice(0, 22));

    // Ctrl-T N types command N of the step into the shell and runs it.
    ui.press('ctrlT');
    ui.press('1');
    await ui.waitForText(/ran command 1/);
    ui.press('ctrlT');
    ui.press('2');
    ui.press('ctrlT');
    ui.press('3');
    // Command 1 started a shell in a new UTS namespace; 2 and 3 ran in it.
    await ui.waitForText(/│[^\n│]*# hostname\s*\n.*│contlab-box\s*$/m);
    await ui.waitForText(/✓ checkpoint passed/, 20_000);
    ui.press('ctrlT');
    ui.press('q');
    expect((await ui.exited(30_000)).exitCode).toBe(0);
  });

  test('home and presenter keep the title bar and fit at every size', async () => {
    const home = startContlab([], { env, cols: 80, rows: 24 });
    await home.waitForText(/Enter start/);
    for (const [cols, rows] of SIZES) {
      home.resize(cols, rows);
      await home.resized();
      await home.waitForText(new RegExp(`^(.*\\n){${rows - 2}}.*Enter start`));
      const screen = await lines(home);
      expect(screen[0]).toMatch(/^ contlab — learn how Linux containers work/);
      expect(screen[rows - 1]).toBe('');
      expect(home.scrolls()).toBe(0);
    }
    home.press('q');
    expect((await home.exited()).exitCode).toBe(0);

    const present = startContlab(['present', 'namespaces'], { env, cols: 80, rows: 24 });
    await present.waitForText(/slide 0\/\d+/, 30_000);
    for (const [cols, rows] of SIZES) {
      present.resize(cols, rows);
      await present.resized();
      present.press(KEYS.right);
      await present.waitForText(new RegExp(`^(.*\\n){${rows - 2}}.*next`));
      const screen = await lines(present);
      expect(screen[0]).toMatch(/^ contlab {2}Namespaces/);
      expect(screen[rows - 1]).toBe('');
      expect(present.scrolls()).toBe(0);
      expect(screen.join('\n')).not.toMatch(/\|\s*:?-{3,}:?\s*\|/);
    }
    present.press('q');
    expect((await present.exited(30_000)).exitCode).toBe(0);
  });
});

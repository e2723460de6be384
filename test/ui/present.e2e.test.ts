/**
 * Presenter mode end to end: the real bin/contlab present in a pseudo-terminal. Two slides
 * forward, the demo typed into the real lab shell, the notes screen following in a second
 * terminal, quit; the terminal is restored and nothing of the lab is left.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { makeTempLab } from '../helpers/lab-env.js';
import { terminalRestored } from './harness.js';
import { endAll, liveOf, processesUnder, sessionCgroups, startContlab } from './lab-check.js';

const lab = makeTempLab();
afterEach(endAll);
afterAll(() => lab.remove());
const env = { CONTLAB_HOME: lab.home, CONTLAB_RUN: lab.run };

/** A slide title, whether it is drawn letter-spaced (`Y O U R`) or not. */
function title(text: string): RegExp {
  const chars = Array.from(text.toUpperCase().replace(/\s+/g, ''));
  return new RegExp(chars.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*'));
}

describe('contlab present', () => {
  test('advance two slides, run the demo, the notes follow, quit leaves nothing', async () => {
    const ui = startContlab(['present', 'sample-namespaces'], { env, cols: 120, rows: 36 });
    await ui.waitForText(title('Sample: a process'), 30_000);
    await ui.waitForText(/ 0\/\d+\s*$/m);
    const notes = startContlab(['present', '--notes'], { env, cols: 90, rows: 26 });
    await notes.waitForText(/slide 0\/\d+/);

    ui.press('\x1b[6~'); // PageDown, as a clicker sends it
    await ui.waitForText(title('Your own hostname'));
    // The first demo, typed at a readable pace: a shell in a new UTS namespace, renamed.
    ui.press('d');
    await ui.waitForText(/typing the demo/);
    await ui.waitForGone(/typing the demo/, 20_000);
    await ui.waitForText(/^.*contlab-box\s*$/m);

    ui.press(' ');
    await ui.waitForText(title('PID 1 again'));
    await ui.waitForText(/ 2\/\d+\s*$/m);
    await notes.waitForText(/slide 2\/\d+/);
    await notes.waitForText(/next: Fewer capabilities/);

    // The second demo, skipped to the end at once: sleep 3600 in its own PID namespace.
    ui.press('d');
    ui.press('s');
    await ui.waitForText(/✓ checkpoint passed/, 20_000);
    const started = await processesUnder(ui.pid);
    expect(started.length).toBeGreaterThanOrEqual(3);

    ui.press('q');
    const { exitCode } = await ui.exited(30_000);
    expect(exitCode).toBe(0);
    expect(terminalRestored(ui.raw()).ok).toBe(true);
    expect(liveOf(started)).toEqual([]);
    expect(sessionCgroups(ui.pid)).toEqual([]);

    await notes.waitForText(/waiting for contlab present/);
    notes.press('q');
    expect((await notes.exited()).exitCode).toBe(0);
    expect(terminalRestored(notes.raw()).ok).toBe(true);
  });
});

/**
 * `contlab --lang zh monitor --class LINK` as a projector shows it, at 80x24 and 120x36:
 * the class view's words in Chinese, and its columns in line by terminal cells whatever the
 * names (Chinese, Cyrillic, one too long for its column), with box-drawing borders.
 * Two attendees join an in-process class server over the real protocol (no lab needed).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ClassClient } from '../../src/class/client.js';
import type { AttendeeState } from '../../src/class/protocol.js';
import cellWidth from '../../src/ui/text/cell-width.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { endAll, startContlab } from '../ui/lab-check.js';
import { fetchRoom, startTestClass, type TestClass, until } from './helpers.js';

let room: TestClass;
const clients: ClassClient[] = [];

const lesson = {
  id: 'process',
  title: 'A container is a process',
  steps: [
    { id: 'start', title: 'Start a tiny container', checkpoint: true },
    { id: 'find', title: 'Find it from the host', checkpoint: true },
  ],
};

function state(): AttendeeState {
  return {
    lesson: 'process',
    step: 1,
    onStepMs: 65_000,
    sinceProgressMs: 1000,
    checks: [{ name: 'running', ok: false, explain: 'start sleep 3600 with unshare' }],
    steps: { start: { timeMs: 1000, passed: false, hints: 0, solution: false, skipped: false } },
    following: true,
  };
}

beforeAll(async () => {
  ensureBuilt();
  room = await startTestClass();
  const { server } = room;
  for (const [i, name] of ['张伟张伟张伟张伟张伟', 'Анна', 'bob'].entries()) {
    const c = new ClassClient({
      address: { host: '127.0.0.1', port: server.port },
      code: server.code,
      name,
      attendee: `test-attendee-zh-view-${i}`,
    });
    clients.push(c);
    await c.join();
    c.setLesson(lesson);
    c.update(state());
  }
  await until(async () => {
    const v = await fetchRoom(server.port, server.key);
    return v.attendees.filter((a) => a.step === 1).length === 3 ? v : undefined;
  }, 'three attendees on step 1');
});
afterEach(endAll);
afterAll(async () => {
  for (const c of clients) c.stop();
  await room.close();
});

/** The terminal column (in cells) where `needle` starts on `line`. */
const columnOf = (line: string, needle: string): number =>
  cellWidth(line.slice(0, line.indexOf(needle)));

describe('the class view in Chinese', () => {
  it.each([
    [80, 24],
    [120, 36],
  ])('at %ix%i: Chinese words, columns in line by cells', async (cols, rows) => {
    const view = startContlab(['--lang', 'zh', 'monitor', '--class', room.dashboard], {
      env: room.lab.env,
      cols,
      rows,
    });
    await view.waitForText(/Анна/);
    const screen = view.screenText();
    for (const word of ['课堂（实时）', '3 在线 · 0 离线', '失败最多：running', '谁在哪里', '姓名'])
      expect(screen).toContain(word);
    expect(screen).not.toMatch(/online|Fails most|NAME|lqq|qqk/);
    expect(screen).toContain('┌');
    const lines = screen.split('\n');
    const heading = lines.find((l) => l.includes('姓名')) ?? '';
    const zh = lines.find((l) => l.includes('张伟')) ?? '';
    const ru = lines.find((l) => l.includes('Анна')) ?? '';
    const en = lines.find((l) => /│ bob /.test(l)) ?? '';
    // The long name is cut by cells, with …; the step and its time start where the
    // heading's columns do, on every row.
    expect(zh).toMatch(/张伟张…/);
    const step = columnOf(heading, '步骤');
    for (const line of [zh, ru, en]) {
      expect({ line, at: columnOf(line, '1/2') }).toEqual({ line, at: step });
      expect({ line, at: columnOf(line, '1分0') }).toEqual({
        line,
        at: columnOf(heading, '本步用时'),
      });
    }
    view.press('q');
    expect((await view.exited()).exitCode).toBe(0);
  });
});

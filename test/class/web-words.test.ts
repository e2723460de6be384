/**
 * The dashboard web page in the instructor's language: the server hands the page its words
 * (/words.json: every class.* message in the server's language); each word the page uses
 * is there and translated; the page puts values in itself, so the messages stay simple in
 * every catalogue; and in headless Chromium a zh class shows Chinese around the attendees'
 * own names and texts, which stay as they came (and are never read as markup).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ClassClient } from '../../src/class/client.js';
import type { AttendeeState } from '../../src/class/protocol.js';
import { webWords } from '../../src/class/web-words.js';
import { WEB_DIR } from '../../src/class/web-files.js';
import { catalogueLanguages, readCatalogue } from '../../src/i18n/index.js';
import { fetchRoom, httpGet, startTestClass, type TestClass, until } from './helpers.js';

/** The message IDs the page uses: data-word in the HTML, say('...') and say(`...${x}`) in JS. */
function pageIds(): { fixed: string[]; prefixes: string[] } {
  const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
  const js = readFileSync(join(WEB_DIR, 'dashboard.js'), 'utf8');
  const fixed = [
    ...[...html.matchAll(/data-word="([^"]+)"/g)].map((m) => m[1] ?? ''),
    ...[...js.matchAll(/say\('([^']+)'/g)].map((m) => m[1] ?? ''),
  ];
  const prefixes = [...js.matchAll(/say\(`([^`$]+)\$\{/g)].map((m) => m[1] ?? '');
  return { fixed: [...new Set(fixed)], prefixes: [...new Set(prefixes)] };
}

describe('the words the page gets', () => {
  it('has every word the page uses, translated in zh, ru and id', () => {
    const { fixed, prefixes } = pageIds();
    expect(fixed.length).toBeGreaterThan(15);
    expect(prefixes.sort()).toEqual(['class.col.', 'class.status.']);
    const en = webWords('en').messages;
    for (const id of fixed) expect(en[id]).toBeDefined();
    for (const lang of ['zh', 'ru', 'id']) {
      const words = webWords(lang);
      expect(words.lang).toBe(lang);
      for (const id of fixed) {
        // The words of the page differ from English (a title keeps "contlab", not all of it).
        expect({ id, text: words.messages[id] }).not.toEqual({ id, text: en[id] });
      }
    }
    expect(webWords('zh').messages['class.col.passRate']).toBe('通过率');
  });

  it('are simple in every catalogue: {name} placeholders only, no plurals or quotes', () => {
    for (const lang of catalogueLanguages())
      for (const [id, text] of Object.entries(readCatalogue(lang)))
        if (id.startsWith('class.'))
          expect({ lang, id, text }).toEqual({
            lang,
            id,
            text: expect.stringMatching(/^(?:[^{}']|\{[A-Za-z_]\w*\})*$/),
          });
  });
});

describe('the page in a headless Chromium, a zh class', () => {
  let room: TestClass;
  let client: ClassClient;
  let browser: BrowserContext | undefined;
  beforeAll(async () => {
    room = await startTestClass({ lang: 'zh' });
    client = new ClassClient({
      address: { host: '127.0.0.1', port: room.port },
      code: room.server.code,
      name: '张伟 {name}',
      attendee: 'test-attendee-web-words',
    });
    await client.join();
  });
  afterAll(async () => {
    await browser?.close();
    client.stop();
    await room.close();
  });

  it('says the dashboard in Chinese, the attendee and the lesson as they came', async () => {
    const served = await httpGet(`${room.url}/words.json`);
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toEqual(webWords('zh'));

    client.setLesson({
      id: 'process',
      title: 'A container is a process',
      steps: [{ id: 'start', title: 'Start a tiny container', checkpoint: true }],
    });
    const state: AttendeeState = {
      lesson: 'process',
      step: 1,
      onStepMs: 65_000,
      sinceProgressMs: 1000,
      checks: [{ name: 'running', ok: false, explain: '用 unshare 启动 sleep 3600' }],
      steps: {
        start: { timeMs: 1000, passed: false, hints: 0, solution: false, skipped: false },
      },
      following: true,
    };
    client.update(state);
    await until(async () => {
      const v = await fetchRoom(room.port, room.server.key);
      return v.mostFailed === null ? undefined : v;
    }, 'the attendee in the room');

    browser = await chromium.launchPersistentContext(join(room.lab.home, 'chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    const page = await browser.newPage();
    await page.goto(room.dashboard);
    await page.waitForSelector('#attendees tbody tr');
    const text = async (selector: string): Promise<string> =>
      ((await page.textContent(selector)) ?? '').trim();
    expect(await page.getAttribute('html', 'lang')).toBe('zh');
    expect(await page.title()).toBe('contlab 课堂');
    expect(await text('#counts')).toMatch(/1\s+在线\s+0\s+离线\s+0\s+已退出\s+0\s+卡住/);
    expect(await text('#link')).toBe('实时');
    expect(await text('#failing h2')).toBe('全班失败最多的检查');
    expect(await text('[data-failed="where"]')).toBe(
      '课程 process，第 1 步 Start a tiny container',
    );
    expect(await text('[data-failed="tally"]')).toBe('该步骤的 1 人中有 1 人失败');
    expect(await text('#stuck-rule')).toBe('（卡住：5 分钟内没有检查开始通过）');
    const heads = await page.$$eval('#attendees th', (ths) => ths.map((th) => th.textContent));
    expect(heads).toEqual([
      '姓名',
      '课程',
      '步骤',
      '本步用时',
      '已完成',
      '当前失败',
      '提示',
      '答案',
    ]);
    const stepHeads = await page.$$eval('.steps th', (ths) => ths.map((th) => th.textContent));
    expect(stepHeads).toEqual([
      '#',
      '步骤',
      '在此',
      '已到达',
      '已通过',
      '通过率',
      '用时中位数',
      '提示',
      '答案',
    ]);
    expect(await text('.lesson h2 small')).toBe('process：1 人在此');
    // The name as typed, braces and all: a value is never read for placeholders.
    expect(await text('[data-field="name"]')).toBe('张伟 {name}');
    expect(await text('[data-field="onstep"]')).toMatch(/^1分0[5-9]秒$/);
    expect(await text('[data-field="failing"]')).toBe('running 用 unshare 启动 sleep 3600');
  });
});

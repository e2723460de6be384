/**
 * `contlab doctor` in the learner's language: each check's name, detail and remedy and the
 * verdict are said from phrases, paths, versions and commands kept as they are, lines in
 * columns by terminal cells; `--json` is the English it always was, in every language.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { kernelCheck, verdict } from '../../src/engine/doctor.js';
import type { Check } from '../../src/engine/doctor-check.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { say } from '../../src/i18n/phrase.js';
import cellWidth from '../../src/ui/text/cell-width.js';
import { contlab } from '../helpers/cli.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
afterEach(() => setLanguage('en'));

function shown(c: Check): { name: string; detail: string; remedy: string } {
  if (c.said === undefined) throw new Error(`${c.name} has no phrases`);
  return { name: say(c.said.name), detail: say(c.said.detail), remedy: say(c.said.remedy) };
}

describe('a doctor check made of phrases', () => {
  test('an old kernel: English fields for --json, Chinese on screen', () => {
    setLanguage('zh');
    const c = kernelCheck('5.4.0');
    expect(c.name).toBe('kernel');
    expect(c.remedy).toBe(
      'Linux 5.6 or newer has every namespace the lessons use (time namespaces came in 5.6)',
    );
    expect(shown(c)).toEqual({
      name: '内核',
      detail: 'Linux 5.4.0',
      remedy: 'Linux 5.6 或更新的版本具备课程用到的所有命名空间（时间命名空间自 5.6 起才有）',
    });
  });

  test('the verdict for a user who is not root, in Russian, with its command', () => {
    setLanguage('ru');
    const v = verdict(true, false);
    expect(v.text).toBe(
      'not root: every lesson needs root, so none can run as this user (use sudo contlab)',
    );
    expect(v.said && say(v.said)).toBe(
      'не root: каждому уроку нужен root, так что от этого пользователя не запустится ни один (используйте sudo contlab)',
    );
  });
});

describe('contlab doctor through the CLI', () => {
  const en = contlab(['doctor'], { ...process.env, LANG: 'C', LC_ALL: '' });
  const zh = contlab(['--lang', 'zh', 'doctor']);

  test('--lang zh: every line in Chinese, English words gone, columns aligned by cells', () => {
    expect(zh.stdout).toMatch(/^✓ {2}内核 +Linux /m);
    expect(zh.stdout).toMatch(/命名空间 pid +\/proc\/self\/ns\/pid/);
    expect(zh.stdout).toMatch(/控制组模式 +cgroup (v1|v2|hybrid)/);
    expect(zh.stdout).toContain('磁盘可用空间');
    expect(zh.stdout).not.toMatch(/free disk|namespace pid|cgroup mode|running as root/);
    expect(zh.stdout).not.toContain('this host can run every lesson');
    // The third column starts at the same terminal cell on every check line.
    const lines = zh.stdout.split('\n').filter((l) => /^[✓⚠✗] {2}/.test(l));
    const starts = new Set(lines.map((l) => cellWidth(/^.+? {2}.+? {2,}/u.exec(l)?.[0] ?? '')));
    expect(lines.length).toBeGreaterThan(20);
    expect(starts.size).toBe(1);
  });

  test('English is as it was, and --json the same English in every language', () => {
    expect(zh.stdout).toContain('磁盘可用空间');
    expect(en.stdout).toMatch(/^✓ {2}kernel +Linux /m);
    expect(en.stdout).toMatch(/namespace pid +\/proc\/self\/ns\/pid/);
    expect(en.code).toBe(zh.code);
    const strip = (s: string): unknown => {
      const report = JSON.parse(s) as { checks: Check[] };
      // The VM's last boot time may change between the two runs (another lab may boot it).
      for (const c of report.checks) if (c.name === 'VM (--vm)') c.detail = '';
      return report;
    };
    const enJson = contlab(['doctor', '--json'], { ...process.env, LANG: 'C', LC_ALL: '' });
    const zhJson = contlab(['--lang', 'zh', 'doctor', '--json']);
    expect(zhJson.stdout).not.toContain('"said"');
    expect(strip(zhJson.stdout)).toEqual(strip(enJson.stdout));
    expect(zhJson.stdout).toContain('"name": "namespace pid"');
    expect(zhJson.stdout).toContain('"text": "');
  });
});

/**
 * `contlab cleanup --session` (the supervisor's run) in the learner's language: a removal
 * that was slow, a session left alone because its lab still runs, and a malformed session
 * ID. The sessions are journals written into a temporary lab home: a dead one whose only
 * resource is a container of a stand-in runtime (a script in the temp lab that takes 1.5 s
 * to "delete" it), and one owned by this test process, which is alive. --json keeps its
 * English.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Journal } from '../../src/engine/journal.js';
import { identityOf, type ProcessIdentity } from '../../src/engine/procfs.js';
import { contlab } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
const lab = makeTempLab();
afterAll(() => lab.remove());

const env = { ...lab.env, LANG: 'C', LC_ALL: '', LC_MESSAGES: '' };
const journals = join(lab.home, 'journal');
mkdirSync(journals, { recursive: true });
const runtime = join(lab.home, 'lazy-runtime');
// Longer than the second after which cleanup calls a removal slow.
writeFileSync(runtime, '#!/bin/sh\nsleep 1.5\n', { mode: 0o755 });
chmodSync(runtime, 0o755);

/** No process has this PID (above the kernel's limit): the session's lab is dead. */
const DEAD: ProcessIdentity = { pid: 999_999_999, start: 1 };
const deadSession = `session-${DEAD.pid}-${DEAD.start}`;

/** A dead session's journal holding one container of the stand-in runtime. */
function journalSlowContainer(): void {
  const journal = Journal.create(join(journals, `${deadSession}.jsonl`), DEAD);
  journal.record({ kind: 'container', runtime, root: join(lab.home, 'state'), id: 'demo' });
  journal.close();
}

describe('a slow removal', () => {
  test('in Russian: the slow line and the removal, the runtime path as it is', () => {
    journalSlowContainer();
    const r = contlab(['--lang', 'ru', 'cleanup', '--session', deadSession], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ удалено: контейнер ${runtime} demo\n`);
    expect(r.stdout).toMatch(
      new RegExp(`⚠ медленно: контейнер ${runtime} demo: удаление заняло \\d{4,} мс\\n`),
    );
    expect(r.stdout).not.toMatch(/slow|took| ms/);
  });

  test('in Chinese from LANG', () => {
    journalSlowContainer();
    const r = contlab(['cleanup', '--session', deadSession], { ...env, LANG: 'zh_CN.UTF-8' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`⚠ 较慢：${runtime} 容器 demo 耗时 \\d{4,} 毫秒\\n`));
  });

  test('in English, and --json in English whatever the language', () => {
    journalSlowContainer();
    const en = contlab(['cleanup', '--session', deadSession], env);
    expect(en.stdout).toMatch(new RegExp(`⚠ slow: ${runtime} container demo took \\d{4,} ms\\n`));
    journalSlowContainer();
    const json = contlab(['--lang', 'id', 'cleanup', '--session', deadSession, '--json'], env);
    const report = JSON.parse(json.stdout) as { slow: string[]; removed: string[] };
    expect(report.removed).toEqual([`${runtime} container demo`]);
    expect(report.slow).toEqual([
      expect.stringMatching(new RegExp(`^${runtime} container demo took \\d{4,} ms$`)),
    ]);
    expect(json.stdout).not.toContain('"said"');
  });
});

describe('a session whose lab still runs', () => {
  const self = identityOf(process.pid);
  if (self === undefined) throw new Error('cannot read /proc/self/stat');
  const liveSession = `session-${self.pid}-${self.start}`;
  // This test process owns it: cleanup must leave it alone (and has nothing to remove).
  Journal.create(join(journals, `${liveSession}.jsonl`), self).close();

  test('left alone, said in Indonesian; English in --json', () => {
    const r = contlab(['--lang', 'id', 'cleanup', '--session', liveSession], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`⚠ dibiarkan: ${liveSession} (lab-nya masih berjalan)\n`);
    expect(r.stdout).not.toContain('its lab is still running');
    const json = contlab(['--lang', 'id', 'cleanup', '--session', liveSession, '--json'], env);
    const report = JSON.parse(json.stdout) as { liveSessions: string[] };
    expect(report.liveSessions).toEqual([`${liveSession} (its lab is still running)`]);
  });
});

describe('a malformed --session', () => {
  test('in Russian with its remedy; English as it was', () => {
    const ru = contlab(['--lang', 'ru', 'cleanup', '--session', 'abc'], env);
    expect(ru.code).toBe(1);
    expect(ru.stderr).toContain(
      '--session abc: ожидался идентификатор сеанса вида session-123-456',
    );
    expect(ru.stderr).toContain('contlab cleanup (без --session) убирает за всеми сеансами');
    const en = contlab(['cleanup', '--session', 'abc'], env);
    expect(en.stderr).toContain('--session abc: expected a session id like session-123-456');
    expect(en.stderr).toContain(
      'contlab cleanup (without --session) cleans every session that is not running',
    );
  });
});

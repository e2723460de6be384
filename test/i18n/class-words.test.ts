/**
 * The class in the instructor's and the attendee's language: `contlab class serve`'s banner
 * and log (who joined, who was refused, the class closed) through the real CLI in
 * Indonesian, English as it was; the join client's errors said in Chinese with their remedy.
 * Everything listens on 127.0.0.1 only.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ClassClient } from '../../src/class/client.js';
import { LabError, shownMessage, shownRemedy } from '../../src/engine/errors.js';
import { repoRoot } from '../../src/engine/repo.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { tempDir, until } from '../class/helpers.js';
import { contlab } from '../helpers/cli.js';
import { ensureBuilt } from '../lessons/helpers/build.js';

ensureBuilt();
const tmp = tempDir('contlab-class-words-');
afterAll(() => tmp.remove());
afterEach(() => setLanguage('en'));

/** A port nothing listens on (taken, then freed). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const address = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function serve(lang: string[], file: string): { child: ChildProcess; out: () => string } {
  const child = spawn(
    join(repoRoot, 'bin', 'contlab'),
    [...lang, 'class', 'serve', '--host', '127.0.0.1', '--port', '0', '--no-qr', '--file', file],
    { env: { ...process.env, NO_COLOR: '1', LANG: 'C', LC_ALL: '' } },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

async function closed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGINT');
  await done;
}

describe('contlab class serve', () => {
  test('--lang id: banner, log lines and the end in Indonesian', async () => {
    const { child, out } = serve(['--lang', 'id'], join(tmp.dir, 'id.json'));
    try {
      const banner = await until(
        () => (/Ctrl-C/.test(out()) ? out() : undefined),
        () => `the banner (${out()})`,
      );
      const code = /kode bergabung (\S+)/.exec(banner)?.[1] ?? '';
      const port = Number(/contlab class join 127\.0\.0\.1:(\d+) /.exec(banner)?.[1]);
      expect(code).toMatch(/^[A-Z0-9]{6}$/);
      expect(banner).toContain('Peserta bergabung dengan:');
      expect(banner).toContain('Dasbor untuk proyektor');
      expect(banner).toMatch(/atau di terminal: contlab monitor --class 'http:\/\/127\.0\.0\.1:/);
      expect(banner).toContain('Ctrl-C mengakhiri kelas; contlab class serve --port');
      expect(banner).not.toMatch(/is open|Attendees join with|Dashboard for/);

      const address = { host: '127.0.0.1', port };
      const wrong = new ClassClient({
        address,
        code: 'ZZZZZZ',
        name: 'Ana',
        attendee: 'words-0001',
      });
      await expect(wrong.join()).rejects.toThrow(/wrong join code/);
      const ana = new ClassClient({ address, code, name: 'Ana', attendee: 'words-0002' });
      await ana.join();
      await ana.leave();
      const log = await until(
        () => (/Ana keluar/.test(out()) ? out() : undefined),
        () => `the log (${out()})`,
      );
      expect(log).toMatch(
        /menolak permintaan bergabung dari 127\.0\.0\.1: kode bergabung "ZZZZZZ" salah/,
      );
      expect(log).toContain('Ana bergabung dari 127.0.0.1');
      expect(log).not.toMatch(/joined from|refused a join/);
    } finally {
      await closed(child);
    }
    expect(out()).toMatch(/kelas ditutup \(disimpan di \S+id\.json\)/);
  });

  test('English is as it was (and Indonesian is not)', async () => {
    const id = serve(['--lang', 'id'], join(tmp.dir, 'id2.json'));
    try {
      await until(() => (/Ctrl-C/.test(id.out()) ? id.out() : undefined), 'the id banner');
    } finally {
      await closed(id.child);
    }
    expect(id.out()).toContain('Peserta bergabung dengan:');
    const { child, out } = serve([], join(tmp.dir, 'en.json'));
    try {
      const banner = await until(() => (/Ctrl-C/.test(out()) ? out() : undefined), 'the banner');
      expect(banner).toMatch(/^contlab class is open: join code [A-Z0-9]{6}$/m);
      expect(banner).toContain('Attendees join with:');
      expect(banner).toMatch(/Stuck: no check started to pass for 5 min\. Saved in /);
    } finally {
      await closed(child);
    }
    expect(out()).toContain('the class is closed (saved in');
  });
});

describe('joining a class that does not answer', () => {
  test('said in Chinese, with its remedy; English kept for logs', async () => {
    const port = await freePort();
    const c = new ClassClient({
      address: { host: '127.0.0.1', port },
      code: 'ABCDEF',
      name: 'Li',
      attendee: 'words-0003',
    });
    const err = await c.join().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).message).toBe(
      `nothing answers at 127.0.0.1:${port} (connection refused)`,
    );
    setLanguage('zh');
    expect(shownMessage(err)).toBe(`127.0.0.1:${port} 没有应答（连接被拒绝）`);
    expect(shownRemedy(err)).toBe('请检查地址，并确认那里正在运行 contlab class serve');
  });
});

describe('class address errors', () => {
  test('a host outside the LAN, in Russian through the CLI, with its remedy', () => {
    const r = contlab(['--lang', 'ru', 'class', 'serve', '--host', '8.8.8.8']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('8.8.8.8 — не адрес loopback и не адрес локальной сети');
    expect(r.stderr).toContain('укажите --host 0.0.0.0 (все интерфейсы)');
    expect(r.stderr).not.toContain('is not a loopback');
  });
});

/**
 * The class notices in an attendee's player, in the attendee's language: the connection
 * lost (with why) and the class rejoined, as a real join client meets them when the class
 * server goes away and comes back on the same port. All on 127.0.0.1.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { attendClass } from '../../src/class/attendee.js';
import { ClassClient } from '../../src/class/client.js';
import { ClassServer } from '../../src/class/server.js';
import { TypedEmitter } from '../../src/engine/observer/emitter.js';
import { setLanguage } from '../../src/i18n/messages.js';
import { LabError } from '../../src/engine/errors.js';
import { say } from '../../src/i18n/phrase.js';
import { startTestClass, tempDir, until } from '../class/helpers.js';

const tmp = tempDir('contlab-class-notices-');
afterAll(() => tmp.remove());
afterEach(() => setLanguage('en'));

/** Just what attendClass uses of a lesson run: its events, and the notices it is told. */
class FakeRun extends TypedEmitter<{
  notice: string;
  step: never;
  result: never;
  pass: never;
  progress: never;
}> {
  readonly lesson = { id: 'process', title: 'A container is a process', steps: [] };
  readonly step = undefined;
  readonly latest = undefined;
  readonly store = {
    load: (): never => {
      throw new Error('no progress file in this test');
    },
  };
}

describe('class notices in the attendee player', () => {
  test('lost and rejoined, said in Indonesian', async () => {
    setLanguage('id');
    const file = `${tmp.dir}/room.json`;
    const start = (port: number): Promise<ClassServer> =>
      ClassServer.start({ host: '127.0.0.1', port, file, stuckMinutes: 5 });
    let server = await start(0);
    const port = server.port;
    const client = new ClassClient({
      address: { host: '127.0.0.1', port },
      code: server.code,
      name: 'Ana',
      attendee: 'notices-0001',
      retry: { firstMs: 50, maxMs: 200 },
    });
    const notices: string[] = [];
    const run = new FakeRun();
    run.on('notice', (n) => notices.push(n));
    try {
      await client.join();
      const attended = attendClass(run as unknown as Parameters<typeof attendClass>[0], client);
      await server.close();
      await until(() => (notices.length > 0 ? true : undefined), 'the lost notice');
      server = await start(port);
      await until(() => (notices.length > 1 ? true : undefined), 'the rejoined notice');
      attended.detach();
    } finally {
      await client.leave();
      await server.close();
    }
    expect(notices[0]).toMatch(
      /^kelas: .+; lab Anda tetap berjalan dan bergabung lagi dengan sendirinya$/,
    );
    expect(notices[1]).toBe('kelas: bergabung lagi ke kelas sebagai Ana');
    expect(notices.join('\n')).not.toMatch(
      /class:|rejoined|keeps working|connection closed|nothing answers/,
    );
  });

  test('refusals in Russian: a wrong code at the first join, and this lab joining again elsewhere', async () => {
    setLanguage('ru');
    const room = await startTestClass();
    const clientOf = (code: string): ClassClient =>
      new ClassClient({
        address: { host: '127.0.0.1', port: room.port },
        code,
        name: 'Аня',
        attendee: 'notices-0002',
        retry: { firstMs: 50, maxMs: 200 },
      });
    const first = clientOf(room.server.code);
    const second = clientOf(room.server.code);
    const notices: string[] = [];
    const run = new FakeRun();
    run.on('notice', (n) => notices.push(n));
    try {
      const wrong = await clientOf('ZZZZZZ')
        .join()
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(wrong).toBeInstanceOf(LabError);
      expect(say((wrong as LabError).said!)).toBe(
        'неверный код входа «ZZZZZZ»: сверьтесь с кодом на экране ведущего',
      );

      await first.join();
      const attended = attendClass(run as unknown as Parameters<typeof attendClass>[0], first);
      await second.join();
      await until(() => (notices.length > 0 ? true : undefined), 'the refused notice');
      attended.detach();
    } finally {
      await first.leave();
      await second.leave();
      await room.close();
    }
    expect(notices[0]).toMatch(/эта лаборатория снова вошла в занятие через другое соединение$/);
    expect(notices[0]).not.toMatch(/joined the class again/);
  });
});

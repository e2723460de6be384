/**
 * An attendee's lab in a class: the join client plus the reporter on the lesson run, and
 * the class's news (dropped, rejoined, refused) told to the learner as the run's notices,
 * which the player already shows. The attendee's token is kept in the progress folder, so
 * quitting the player and joining again gives the same row in the room, not a second one.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { writeFileAtomic } from '../lessons/progress/atomic-file.js';
import { progressDir } from '../lessons/progress/store.js';
import type { LessonRun } from '../lessons/runner/lesson-run.js';
import { ClassClient } from './client.js';
import { newToken } from './join-code.js';
import { cleanName } from './protocol.js';
import { ClassReporter } from './reporter.js';
import { t } from '../i18n/messages.js';
import { say } from '../i18n/phrase.js';

export function attendeeTokenFile(): string {
  return join(progressDir(), 'class', 'attendee-token');
}

/** This learner's attendee token (made once, then kept). */
export function attendeeToken(file = attendeeTokenFile()): string {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{8,64}$/.test(token)) return token;
  }
  const token = newToken();
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileAtomic(file, `${token}\n`, { backup: false });
  return token;
}

export function defaultName(): string {
  const fromEnv = process.env.CONTLAB_NAME ?? process.env.USER;
  if (fromEnv !== undefined && cleanName(fromEnv) !== '') return cleanName(fromEnv);
  try {
    return cleanName(userInfo().username) || 'attendee';
  } catch {
    return 'attendee';
  }
}

/** Reports `run` to the class and tells the learner what happens to the connection. */
export function attendClass(
  run: Pick<LessonRun, 'lesson' | 'step' | 'latest' | 'store' | 'on' | 'emit'>,
  client: ClassClient,
  options: { following?: boolean } = {},
): { reporter: ClassReporter; detach: () => void } {
  const reporter = new ClassReporter(run, client, options);
  // Said here, in the attendee's language: the notice goes straight to their player.
  const tell = (text: string): void => run.emit('notice', t('classTerm.notice', { text }));
  // Said once when the connection drops, not at every attempt to rejoin.
  let connected = true;
  const offs = [
    reporter.attach(),
    client.on('lost', ({ said }) => {
      if (connected) tell(t('classTerm.notice.lost', { reason: say(said) }));
      connected = false;
    }),
    client.on('joined', ({ name, again }) => {
      connected = true;
      if (again) tell(t('classTerm.notice.rejoined', { name }));
    }),
    // In the attendee's language when the server said it as a phrase this contlab knows.
    client.on('refused', ({ message, said }) =>
      tell(t('classTerm.notice.refused', { message: said === undefined ? message : say(said) })),
    ),
  ];
  return {
    reporter,
    detach: () => {
      for (const off of offs) off();
    },
  };
}

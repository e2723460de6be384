/**
 * `contlab class serve` (the instructor) and `contlab class join HOST:PORT CODE` (each
 * attendee): classroom mode. The server and the protocol live in src/class; this file reads
 * the options, prints the join command (and its QR code), and opens the player with the
 * class reporter attached.
 */
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { chalk } from '../output.js';
import { t } from '../../i18n/messages.js';
import { phrase, say } from '../../i18n/phrase.js';

interface ServeOptions {
  port: string;
  host: string;
  stuckMinutes: string;
  new?: boolean;
  file?: string;
  qr: boolean;
}

interface JoinOptions {
  name?: string;
  follow: boolean;
}

function stuckMinutes(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 600)
    throw new LabError(phrase('classTerm.error.stuckMinutes', { flag: '--stuck-minutes', text }));
  return n;
}

const clock = (): string => new Date().toTimeString().slice(0, 8);

async function serve(opts: ServeOptions): Promise<void> {
  const { parsePort, formatAddress, lanAddresses } = await import('../../class/address.js');
  const { ClassServer } = await import('../../class/server.js');
  const { roomFile } = await import('../../class/room-file.js');
  const { qrMatrix, renderQr } = await import('../../class/qr.js');
  const { watchPresenter } = await import('../../class/present-watch.js');
  const port = parsePort(opts.port, true);
  const minutes = stuckMinutes(opts.stuckMinutes);
  const every = opts.host === '0.0.0.0' || opts.host === '::';
  // Port 0 (any free port) has no saved class to find again unless a file is named.
  const file = opts.file ?? roomFile(port);
  const server = await ClassServer.start({
    host: opts.host,
    port,
    file,
    stuckMinutes: minutes,
    fresh: opts.new === true || (port === 0 && opts.file === undefined),
    // The log in the instructor's language (the server keeps the English beside it).
    log: (_, said) => process.stdout.write(`${chalk.dim(clock())} ${say(said)}\n`),
  });
  const joinHost = every ? (lanAddresses()[0] ?? '127.0.0.1') : opts.host;
  const local = every ? '127.0.0.1' : opts.host;
  const join = `contlab class join ${formatAddress({ host: joinHost, port: server.port })} ${server.code}`;
  const dashboard = `http://${formatAddress({ host: local, port: server.port })}/?key=${server.key}`;
  const attendees = server.view().counts.attendees;
  const again = [
    '--port',
    String(server.port),
    ...(opts.host === '0.0.0.0' ? [] : ['--host', opts.host]),
    ...(opts.file === undefined ? [] : ['--file', opts.file]),
  ];
  const title = { contlab: chalk.bold('contlab class'), code: chalk.bold(server.code) };
  const out: string[] = [
    server.resumed
      ? t('classTerm.serve.resumed', { ...title, count: attendees })
      : t('classTerm.serve.open', title),
    '',
    t('classTerm.serve.joinWith'),
    `  ${chalk.bold(join)}`,
  ];
  if (opts.qr) out.push('', ...renderQr(qrMatrix(join), chalk.level > 0).map((l) => `  ${l}`));
  out.push(
    '',
    t('classTerm.serve.dashboard'),
    `  ${dashboard}`,
    `  ${t('classTerm.serve.inTerminal', { command: `contlab monitor --class '${dashboard}'` })}`,
    '',
    t('classTerm.serve.stuck', { minutes: String(minutes), file }),
    t('classTerm.serve.again', { command: `contlab class serve ${again.join(' ')}` }),
    '',
  );
  process.stdout.write(out.join('\n') + '\n');
  // contlab present on this machine moves the attendees who follow.
  const stopWatching = watchPresenter((slide) => {
    if (server.setSlide(slide) && slide !== null)
      process.stdout.write(
        `${chalk.dim(clock())} ${t('classTerm.serve.presenter', { lesson: slide.lesson, step: String(slide.step) })}\n`,
      );
  });
  await new Promise<void>((resolve) => {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => resolve());
  });
  stopWatching();
  await server.close();
  process.stdout.write(`${chalk.dim(clock())} ${t('classTerm.serve.closed', { file })}\n`);
}

async function join(address: string, code: string, ref: string | undefined, opts: JoinOptions) {
  const { parseAddress, resolveLocal } = await import('../../class/address.js');
  const { ClassClient } = await import('../../class/client.js');
  const { attendClass, attendeeToken, defaultName } = await import('../../class/attendee.js');
  const { followSlides } = await import('../../class/follow.js');
  const { cleanName } = await import('../../class/protocol.js');
  const { lessonFor } = await import('./start.js');
  const { requireTerminal } = await import('./tty.js');
  const where = parseAddress(address);
  const name = opts.name === undefined ? defaultName() : cleanName(opts.name);
  if (name === '') throw new LabError(phrase('classTerm.error.name', { flag: '--name' }));
  const lesson = await lessonFor(ref);
  requireTerminal('class join');
  const host = await resolveLocal(where.host);
  const client = new ClassClient({
    address: { host, port: where.port },
    code,
    name,
    attendee: attendeeToken(),
  });
  const joined = await client.join();
  process.stdout.write(
    `${
      joined.renamed
        ? t('classTerm.join.renamed', { name: chalk.bold(joined.name), asked: name })
        : t('classTerm.join.joined', { name: chalk.bold(joined.name) })
    }\n`,
  );
  const [{ runPlayer }, { openLocalLab }] = await Promise.all([
    import('../../ui/app/main.js'),
    import('../../ui/app/local/lab.js'),
  ]);
  const offs: (() => void)[] = [];
  let reporter: ReturnType<typeof attendClass>['reporter'] | undefined;
  const code_ = await runPlayer(lesson, {
    // The class hears the lesson run's own events (never the shell's contents).
    connect: (l) =>
      openLocalLab(l, {
        onRun: (run) => {
          const attended = attendClass(run, client, { following: opts.follow });
          reporter = attended.reporter;
          offs.push(attended.detach);
        },
      }),
    // The player's key turns following on and off; the room sees it through the reporter.
    follow: {
      get: () => reporter?.following ?? opts.follow,
      set: (on) => {
        if (reporter !== undefined) reporter.following = on;
      },
    },
    attach: (player) => {
      if (reporter === undefined) return;
      // Follow mode: the presenter's slide of this lesson opens that step here.
      const unfollow = followSlides(client, reporter, lesson.id, (step) => {
        const now = player.getState();
        if (!now.entering && now.step?.number !== step) void player.open(step);
      });
      offs.push(unfollow);
    },
  });
  for (const off of offs) off();
  await client.leave();
  process.exit(code_);
}

export function registerClass(program: Command): void {
  const cls = program.command('class').description(t('cmd.class'));
  cls
    .command('serve')
    .description(t('cmd.class.serve'))
    .option('--port <n>', t('opt.class.port'), '7070')
    .option('--host <address>', t('opt.class.host'), '0.0.0.0')
    .option('--stuck-minutes <n>', t('opt.class.stuckMinutes'), '5')
    .option('--new', t('opt.class.new'))
    .option('--file <path>', t('opt.class.file'))
    .option('--no-qr', t('opt.class.noQr'))
    .action(serve);
  cls
    .command('join <address> <code> [lesson]')
    .description(t('cmd.class.join'))
    .option('--name <name>', t('opt.class.name'))
    .option('--no-follow', t('opt.class.noFollow'))
    .action(join);
  for (const c of cls.commands) c.exitOverride();
}

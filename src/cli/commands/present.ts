/**
 * `contlab present [LESSON] [--notes]`: presenter mode. The slides are the lesson's steps,
 * so slides and lab never drift apart; --notes shows the presenter notes of the slide the
 * presenter in another terminal shows.
 */
import '../../ui/app/production-env.js';
import type { Command } from 'commander';
import { lessonFor, vmOptions } from './start.js';
import { sweepAtStart } from '../startup-sweep.js';
import { requireTerminal } from './tty.js';
import { t } from '../../i18n/messages.js';

export function registerPresent(program: Command): void {
  program
    .command('present [lesson]')
    .description(t('cmd.present'))
    .option('--notes', t('opt.present.notes'))
    .option('--vm', t('opt.present.vm'))
    .action(async (ref: string | undefined, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ notes?: boolean; vm?: boolean }>();
      if (opts.notes === true) {
        requireTerminal('present --notes');
        const { runNotes } = await import('../../ui/app/main.js');
        process.exit(await runNotes());
      }
      const lesson = await lessonFor(ref);
      requireTerminal('present');
      await sweepAtStart();
      const { runPresent } = await import('../../ui/app/main.js');
      process.exit(await runPresent(lesson, await vmOptions(opts.vm)));
    });
}

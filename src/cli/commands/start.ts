/**
 * `contlab start [LESSON]`: the lesson player. Without a lesson it continues the one the
 * learner last worked on (or the first lesson).
 */
import { t } from '../../i18n/messages.js';
import '../../ui/app/production-env.js';
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import type { ConnectLab } from '../../ui/app/main.js';
import type { Lesson } from '../../ui/lessons/lessons-api.js';
import { sweepAtStart } from '../startup-sweep.js';
import { requireTerminal } from './tty.js';
import { startupMark } from '../../engine/startup-marks.js';

/** The lesson named on the command line, or the one to continue. */
export async function lessonFor(ref: string | undefined): Promise<Lesson> {
  // Loaded here, not at start-up: every other command would pay for them. The lesson
  // comes from the catalog's cache when it is there: the parser is not even run.
  const { findLessonFile, loadCatalog, loadLessonCached } = await import('../../lessons/home.js');
  if (ref !== undefined) return loadLessonCached(findLessonFile(ref));
  const first = (await loadCatalog()).entries.find((e) => e.unmet.length === 0);
  if (first === undefined)
    throw new LabError(t('cli.noLessonRuns'), { remedy: t('error.remedy.doctor') });
  return loadLessonCached(first.file);
}

/** With --vm: the player's lab comes from the VM (see ui/app/remote/vm-lab.ts). */
export async function vmOptions(vm: boolean | undefined): Promise<{ connect?: ConnectLab }> {
  if (vm !== true) return {};
  const { connectVm } = await import('../../ui/app/remote/vm-lab.js');
  return { connect: connectVm() };
}

export function registerStart(program: Command): void {
  program
    .command('start [lesson]')
    .description(t('cmd.start'))
    .option('--vm', t('opt.start.vm'))
    .action(async (ref: string | undefined, _opts: unknown, cmd: Command) => {
      // --vm before or after `start` (contlab --vm start, contlab start --vm).
      const opts = cmd.optsWithGlobals<{ vm?: boolean }>();
      const lesson = await lessonFor(ref);
      startupMark('lesson');
      requireTerminal('start');
      await sweepAtStart();
      const { runPlayer } = await import('../../ui/app/main.js');
      process.exit(await runPlayer(lesson, await vmOptions(opts.vm)));
    });
}

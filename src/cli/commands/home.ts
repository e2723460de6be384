import { t } from '../../i18n/messages.js';
import '../../ui/app/production-env.js';
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { chalk } from '../output.js';
import { sweepAtStart } from '../startup-sweep.js';
import { vmOptions } from './start.js';

/** The TUI home screen, then the lesson the learner chose. Returns the exit status. */
async function homeTui(notice: string | undefined, vm: boolean): Promise<number> {
  const { runHome } = await import('../../ui/app/run-home.js');
  const { code, choice } = await runHome({ notice, vm });
  if (choice === undefined) return code;
  const { runPlayer, runPresent } = await import('../../ui/app/main.js');
  const { loadLessonCached } = await import('../../lessons/catalog.js');
  const file = choice.slice(choice.indexOf(':') + 1);
  const lesson = await loadLessonCached(file);
  const options = await vmOptions(vm);
  return choice.startsWith('present:') ? runPresent(lesson, options) : runPlayer(lesson, options);
}

/**
 * `contlab` with no command: the home screen in a terminal; a plain text menu of the
 * commands when stdout is not a terminal (a pipe, a script).
 */
export function registerHome(program: Command): void {
  // Extra words reach this action only when they name no command: say so plainly.
  program.option('--vm', t('cmd.vm'));
  program.allowExcessArguments(true).action(async (opts: { vm?: boolean }, cmd: Command) => {
    const [unknown] = cmd.args;
    if (unknown !== undefined) {
      throw new LabError(t('cli.unknownCommand', { name: unknown }), {
        remedy: t('cli.unknownCommandRemedy'),
      });
    }
    if (process.stdout.isTTY && process.stdin.isTTY) {
      // What the start-up sweep removed is said on the home screen (and after it, here).
      const swept = await sweepAtStart();
      process.exit(await homeTui(swept, opts.vm === true));
    }
    await sweepAtStart();
    const lines = [
      `${chalk.bold('contlab')} — ${t('cli.tagline')}`,
      '',
      t('cli.startHere'),
      `  ${chalk.cyan('contlab start')}         ${t('cli.start')}`,
      `  ${chalk.cyan('contlab doctor')}        ${t('cli.doctor')}`,
      `  ${chalk.cyan('contlab image build')}   ${t('cli.image')}`,
      `  ${chalk.cyan('contlab inspect PID')}   ${t('cli.inspect')}`,
      `  ${chalk.cyan('contlab cleanup')}       ${t('cli.cleanup')}`,
      '',
      t('cli.everyCommand', { command: chalk.cyan('contlab --help') }),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });
}

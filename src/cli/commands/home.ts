import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { chalk } from '../output.js';

/**
 * `contlab` with no command. Until the lesson player lands this is a plain text menu of
 * what the lab can do today.
 */
export function registerHome(program: Command): void {
  // Extra words reach this action only when they name no command: say so plainly.
  program.allowExcessArguments(true).action((_opts: unknown, cmd: Command) => {
    const [unknown] = cmd.args;
    if (unknown !== undefined) {
      throw new LabError(`unknown command '${unknown}'`, {
        remedy: 'run contlab --help to see the commands',
      });
    }
    const lines = [
      chalk.bold('contlab') +
        ' — learn how Linux containers work by building them on your own kernel',
      '',
      'Start here:',
      `  ${chalk.cyan('contlab doctor')}        check that this host has everything the lab needs`,
      `  ${chalk.cyan('contlab image build')}   build the offline busybox lab image (rootfs, OCI layout, docker tarball)`,
      `  ${chalk.cyan('contlab inspect PID')}   show a process's namespaces, cgroups and capabilities`,
      `  ${chalk.cyan('contlab cleanup')}       remove everything a stopped lab left behind`,
      '',
      `Run ${chalk.cyan('contlab --help')} for every command.`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });
}

import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';

/**
 * Commands whose features are still being built. Their names are reserved now so scripts
 * and muscle memory do not change later; each says plainly that it is not available yet.
 */
const RESERVED: [string, string][] = [
  ['start [lesson]', 'open a lesson in the lesson player'],
  ['present [lesson]', 'presenter mode: slides with live demos'],
  ['monitor', 'projector dashboard of the live kernel state'],
  ['verify [lesson]', 'check a lesson headlessly against the real system'],
  ['lint [paths...]', 'validate lesson files'],
  ['progress', 'show your progress'],
  ['reset [lesson] [step]', 'reset progress and lab state'],
];

export function registerReserved(program: Command, taken: Set<string>): void {
  for (const [usage, description] of RESERVED) {
    const name = usage.split(' ')[0] as string;
    if (taken.has(name)) continue;
    program
      .command(usage)
      .description(`${description} (not available yet)`)
      .allowUnknownOption()
      .action(() => {
        throw new LabError(`'contlab ${name}' is not available in this version yet`, {
          remedy: 'run contlab --help to see the commands that work today',
        });
      });
  }
}

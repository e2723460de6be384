import type { Command } from 'commander';
import { ensureLabDirs } from '../../engine/paths.js';
import { marks, printJson } from '../output.js';

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description('remove everything left behind by lab sessions that are no longer running')
    .option('--json', 'print what was removed as JSON')
    .action(async (opts: { json?: boolean }) => {
      ensureLabDirs();
      const { cleanup } = await import('../../engine/cleanup.js');
      const report = await cleanup();
      if (opts.json) printJson(report);
      else {
        for (const p of report.problems) process.stderr.write(`${marks.warn} ${p}\n`);
        for (const s of report.liveSessions)
          process.stdout.write(`${marks.warn} left alone: ${s}\n`);
        for (const r of report.removed) process.stdout.write(`${marks.ok} removed ${r}\n`);
        for (const e of report.errors)
          process.stderr.write(`${marks.fail} could not remove ${e}\n`);
        if (report.removed.length === 0 && report.errors.length === 0)
          process.stdout.write('nothing to clean up\n');
      }
      process.exitCode = report.errors.length > 0 || report.problems.length > 0 ? 1 : 0;
    });
}

import type { Command } from 'commander';
import { chalk, marks, printJson, table } from '../output.js';
import { t } from '../../i18n/messages.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(t('cmd.doctor'))
    .option('--json', t('opt.doctor.json'))
    .action(async (opts: { json?: boolean }) => {
      // Loaded when run: every other command would pay for the doctor's checks.
      const { doctor } = await import('../../engine/doctor.js');
      const report = await doctor();
      if (opts.json) printJson(report);
      else {
        const rows = report.checks.map((c) => [
          marks[c.status],
          c.name,
          c.detail + (c.remedy ? chalk.dim(`  → ${c.remedy}`) : ''),
        ]);
        process.stdout.write(table(rows) + '\n\n');
        process.stdout.write(`${marks[report.verdict.status]} ${report.verdict.text}\n`);
      }
      process.exitCode = report.ok ? 0 : 1;
    });
}

import type { Command } from 'commander';
import { chalk, marks, printJson, table } from '../output.js';
import { t } from '../../i18n/messages.js';
import { say } from '../../i18n/phrase.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(t('cmd.doctor'))
    .option('--json', t('opt.doctor.json'))
    .action(async (opts: { json?: boolean }) => {
      // Loaded when run: every other command would pay for the doctor's checks.
      const { doctor } = await import('../../engine/doctor.js');
      const report = await doctor();
      // The phrases (`said`) are left out: the English fields say the same, in every language.
      if (opts.json) printJson(report, (key, value) => (key === 'said' ? undefined : value));
      else {
        const rows = report.checks.map((c) => {
          const remedy = c.said === undefined ? c.remedy : say(c.said.remedy);
          return [
            marks[c.status],
            c.said === undefined ? c.name : say(c.said.name),
            (c.said === undefined ? c.detail : say(c.said.detail)) +
              (remedy ? chalk.dim(`  → ${remedy}`) : ''),
          ];
        });
        process.stdout.write(table(rows) + '\n\n');
        const verdict = report.verdict;
        const text = verdict.said === undefined ? verdict.text : say(verdict.said);
        process.stdout.write(`${marks[verdict.status]} ${text}\n`);
      }
      process.exitCode = report.ok ? 0 : 1;
    });
}

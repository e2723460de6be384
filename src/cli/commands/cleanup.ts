import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { ensureLabDirs, isRoot } from '../../engine/paths.js';
import { marks, printJson } from '../output.js';
import { t } from '../../i18n/messages.js';
import { phrase } from '../../i18n/phrase.js';
import { sayLine } from '../../engine/said-lines.js';
import type { CleanupReport } from '../../engine/cleanup.js';

interface CleanupFlags {
  json?: boolean;
  session?: string;
}

export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description(t('cmd.cleanup'))
    .option('--json', t('opt.cleanup.json'))
    .option('--session <id>', t('opt.cleanup.session'))
    .action(async (opts: CleanupFlags) => {
      if (opts.session !== undefined && !/^session-\d+-\d+$/.test(opts.session))
        throw new LabError(
          phrase('error.cleanup.session', {
            flag: '--session',
            text: opts.session,
            example: 'session-123-456',
          }),
          {
            remedy: phrase('error.cleanup.session.remedy', {
              command: 'contlab cleanup',
              flag: '--session',
            }),
          },
        );
      await requireRootIfNeeded();
      ensureLabDirs();
      // Loaded when the command runs: other commands start without the cleanup code.
      const { cleanup } = await import('../../engine/cleanup.js');
      const report = await cleanup(
        opts.session === undefined
          ? {}
          : { session: opts.session, sweepHost: false, waitForSupervisors: false },
      );
      // The phrases (`said`) are left out: the English lines say the same, in every language.
      if (opts.json) printJson(report, (key, value) => (key === 'said' ? undefined : value));
      else printReport(report, opts.session !== undefined);
      process.exitCode = report.errors.length > 0 || report.problems.length > 0 ? 1 : 0;
    });
}

/**
 * The report in the learner's language, from the phrases kept beside its English lines.
 * `supervised`: the run of a session's supervisor (--session), whose output is its log.
 */
function printReport(report: CleanupReport, supervised: boolean): void {
  const said = (text: string): string => sayLine(report.said, text);
  // Unreadable journal lines stay English: a line's text and why it could not be read.
  for (const p of report.problems) process.stderr.write(`${marks.warn} ${p}\n`);
  for (const s of report.liveSessions)
    process.stdout.write(`${marks.warn} ${t('cleanup.leftAlone', { session: said(s) })}\n`);
  for (const r of report.removed)
    process.stdout.write(`${marks.ok} ${t('cleanup.removed', { what: said(r) })}\n`);
  for (const e of report.errors)
    process.stderr.write(`${marks.fail} ${t('cleanup.couldNotRemove', { what: said(e) })}\n`);
  // Only in the supervisor's log: that is where a lab that was slow to close is looked into.
  if (supervised)
    for (const s of report.slow)
      process.stdout.write(`${marks.warn} ${t('cleanup.slow', { what: said(s) })}\n`);
  if (report.removed.length === 0 && report.errors.length === 0)
    process.stdout.write(`${t('cleanup.nothing')}\n`);
}

/**
 * Without root, cleanup can remove none of what a (root) lab makes: say so, with the
 * command to run, rather than "nothing to clean up".
 */
async function requireRootIfNeeded(): Promise<void> {
  if (isRoot()) return;
  const { rootOwnedLeftovers } = await import('../../engine/lab-leftovers.js');
  const found = rootOwnedLeftovers();
  if (found.length === 0) return;
  const env = ['CONTLAB_HOME', 'CONTLAB_RUN']
    .filter((k) => (process.env[k] ?? '') !== '')
    .map((k) => `${k}=${process.env[k]} `)
    .join('');
  throw new LabError(t('cleanup.needsRoot', { found: found.join('; ') }), {
    remedy: `sudo ${env}contlab cleanup`,
  });
}

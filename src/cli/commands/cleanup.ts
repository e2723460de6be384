import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { ensureLabDirs, isRoot } from '../../engine/paths.js';
import { marks, printJson } from '../output.js';
import { t } from '../../i18n/messages.js';
import { sayLine } from '../../engine/said-lines.js';

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
          `--session ${opts.session}: expected a session id like session-123-456`,
          {
            remedy: 'contlab cleanup (without --session) cleans every session that is not running',
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
      else {
        const said = (text: string): string => sayLine(report.said, text);
        for (const p of report.problems) process.stderr.write(`${marks.warn} ${p}\n`);
        for (const s of report.liveSessions)
          process.stdout.write(`${marks.warn} ${t('cleanup.leftAlone', { session: s })}\n`);
        for (const r of report.removed)
          process.stdout.write(`${marks.ok} ${t('cleanup.removed', { what: said(r) })}\n`);
        for (const e of report.errors)
          process.stderr.write(`${marks.fail} ${t('cleanup.couldNotRemove', { what: said(e) })}\n`);
        // The supervisor's log says what was slow (in English: a log, read by maintainers).
        if (opts.session !== undefined)
          for (const s of report.slow) process.stdout.write(`${marks.warn} slow: ${s}\n`);
        if (report.removed.length === 0 && report.errors.length === 0)
          process.stdout.write(`${t('cleanup.nothing')}\n`);
      }
      process.exitCode = report.errors.length > 0 || report.problems.length > 0 ? 1 : 0;
    });
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

/**
 * `contlab lint [PATHS...] [--json] [--lang LANG]`: validates lessons (by default all of
 * lessons-content), their translations (lesson.LANG.md) and, for all of lessons-content,
 * the message catalogues (locales/LANG.json). Every problem is printed as
 * `file:line:col message`, like a compiler; the exit status is 1 if any is an error.
 * Warnings (a translation behind the English) do not fail, except with --lang: then the
 * edition in that language must be complete and up to date.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { marks, printJson } from '../output.js';
import { t } from '../../i18n/messages.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerLint(program: Command): void {
  program
    .command('lint [paths...]')
    .description(t('cmd.lint'))
    .option('--json', t('opt.lint.json'))
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ json?: boolean; lang?: string }>();
      // Loaded when the command runs: other commands start without the lesson parser.
      const { lintPaths, lessonsDir, formatDiagnostic } = await import('../../lessons/index.js');
      const { lintCatalogues } = await import('../../i18n/lint-catalogue.js');
      const { languageOfLocale } = await import('../../i18n/locale.js');
      const lang = opts.lang === undefined ? undefined : languageOfLocale(opts.lang);
      const report = lintPaths(paths.length > 0 ? paths : [lessonsDir()], { lang });
      const problems = [...report.diagnostics];
      let catalogues: string[] = [];
      if (paths.length === 0 || lang !== undefined) {
        const c = lintCatalogues(
          (abs) =>
            relative(process.cwd(), abs).startsWith('..') ? abs : relative(process.cwd(), abs),
          { langs: lang === undefined ? undefined : ['en', lang], strict: lang !== undefined },
        );
        catalogues = c.files;
        problems.push(...c.diagnostics);
      }
      const errors = problems.filter((d) => d.severity !== 'warning');
      const warnings = problems.length - errors.length;
      const lessons = plural(report.files.length, 'lesson');
      const extra = [
        ...(report.translations.length > 0
          ? [plural(report.translations.length, 'translation')]
          : []),
        ...(catalogues.length > 0 ? [plural(catalogues.length, 'catalogue')] : []),
      ].join(', ');
      const also = extra === '' ? '' : ` (and ${extra})`;
      if (opts.json) {
        printJson({
          files: report.files,
          translations: report.translations,
          catalogues,
          ok: errors.length === 0,
          problems,
        });
      } else {
        for (const d of problems) process.stderr.write(`${formatDiagnostic(d)}\n`);
        if (problems.length === 0)
          process.stdout.write(`${marks.ok} ${lessons}, no problems${also}\n`);
        else if (errors.length === 0)
          process.stdout.write(
            `${marks.ok} ${lessons}, no problems${also}, ${plural(warnings, 'warning')}\n`,
          );
        else {
          // A lesson and its translations (NAME.LANG.md beside NAME.md) count as one lesson
          // file; a catalogue as a catalogue.
          const isCatalogue = (file: string): boolean => file.endsWith('.json');
          const inLessons = new Set(
            errors
              .filter((d) => !isCatalogue(d.file))
              .map((d) => d.file.replace(/\.[a-z]{2,3}\.md$/, '.md')),
          ).size;
          const inCatalogues = new Set(errors.filter((d) => isCatalogue(d.file)).map((d) => d.file))
            .size;
          const n = report.files.length;
          const where =
            `${inLessons} of ${n} lesson file${n === 1 ? '' : 's'}` +
            (inCatalogues > 0
              ? ` and ${inCatalogues} of ${plural(catalogues.length, 'catalogue')}`
              : '');
          process.stderr.write(
            `${marks.fail} ${plural(errors.length, 'problem')} in ${where}${also}` +
              (warnings > 0 ? `, and ${plural(warnings, 'warning')}` : '') +
              '\n',
          );
        }
      }
      process.exitCode = errors.length === 0 ? 0 : 1;
    });
}

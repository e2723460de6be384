/**
 * `contlab lint [PATHS...] [--json]`: validates lessons (by default all of lessons-content)
 * and prints every problem as `file:line:col message`, like a compiler, exiting 1 if any.
 */
import type { Command } from 'commander';
import { marks, printJson } from '../output.js';

export function registerLint(program: Command): void {
  program
    .command('lint [paths...]')
    .description(
      'validate lesson files (default: every lesson in lessons-content, or $CONTLAB_LESSONS)',
    )
    .option('--json', 'print the problems as JSON')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      // Loaded when the command runs: other commands start without the lesson parser.
      const { lintPaths, lessonsDir, formatDiagnostic } = await import('../../lessons/index.js');
      const report = lintPaths(paths.length > 0 ? paths : [lessonsDir()]);
      const problems = report.diagnostics;
      if (opts.json) {
        printJson({ files: report.files, ok: problems.length === 0, problems });
      } else if (problems.length === 0) {
        const n = report.files.length;
        process.stdout.write(`${marks.ok} ${n} lesson${n === 1 ? '' : 's'}, no problems\n`);
      } else {
        for (const d of problems) process.stderr.write(`${formatDiagnostic(d)}\n`);
        const files = new Set(problems.map((d) => d.file)).size;
        process.stderr.write(
          `${marks.fail} ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} of ${report.files.length} lesson file${report.files.length === 1 ? '' : 's'}\n`,
        );
      }
      process.exitCode = problems.length === 0 ? 0 : 1;
    });
}

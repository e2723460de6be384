/** Shared text output for the CLI: colours that respect NO_COLOR, status marks, tables. */
import chalk from 'chalk';
import cellWidth from '../ui/text/cell-width.js';

if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') chalk.level = 0;

export { chalk };

export const marks = {
  ok: chalk.green('✓'),
  warn: chalk.yellow('⚠'),
  fail: chalk.red('✗'),
} as const;

/** Pads plain-text columns; the last column is never padded. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)),
        )
        .join('  '),
    )
    .join('\n');
}

/** Terminal cells (colour codes take none; CJK characters take two). */
function visibleLength(s: string): number {
  return cellWidth(s);
}

export function printJson(
  value: unknown,
  replacer?: (key: string, value: unknown) => unknown,
): void {
  process.stdout.write(JSON.stringify(value, replacer, 2) + '\n');
}

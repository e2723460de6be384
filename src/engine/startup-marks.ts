/**
 * Where a start-up's time goes, for `node bench/ui.mjs --stages`: with
 * CONTLAB_STARTUP_MARKS=FILE set, each stage appends "PID STAGE MS" to FILE, MS counted from
 * this process's start. Unset (always, outside the bench), a mark is one variable test.
 * The PID: programs the lab starts inherit the variable (the supervisor's cleanup is a
 * contlab too), and the bench reads the marks of the process it launched.
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.CONTLAB_STARTUP_MARKS;

export function startupMark(stage: string): void {
  if (file === undefined || file === '') return;
  try {
    appendFileSync(file, `${process.pid} ${stage} ${performance.now().toFixed(1)}\n`);
  } catch {
    // A measuring aid: it never stands in the way of the lab.
  }
}

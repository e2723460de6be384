/**
 * A lab as the player opens it (openLocalLab: the lesson run, the observer, the timeline)
 * with one learner's shell in a pty (the lab's bash with its prompt hook), for the timeline
 * tests: type a line, get the timeline entry the lab made of it.
 */
import { join } from 'node:path';
import { loadLesson, type LessonRun } from '../../src/lessons/index.js';
import type { TimelineEntry } from '../../src/engine/timeline/types.js';
import { itemText } from '../../src/ui/format/timeline-text.js';
import type { LabConnection, LabShell } from '../../src/ui/app/lab-connection.js';
import { openLocalLab } from '../../src/ui/app/local/lab.js';
import { useTempLab, type TempLab } from '../helpers/lab-env.js';
import { copySamples } from '../lessons/helpers/samples.js';

export interface TimelineLab {
  temp: TempLab;
  lab: LabConnection;
  shell: LabShell;
  /** Everything the shell printed (without the timeline's marks). */
  output(): string;
  /** Types `line` and resolves with the next timeline entry (rejects after `ms`). */
  run(line: string, ms?: number): Promise<TimelineEntry>;
  close(): Promise<void>;
}

/** The next entry the timeline makes of `command` (rejects after `ms`, with those it made). */
export function nextEntry(lab: LabConnection, command: string, ms: number): Promise<TimelineEntry> {
  const others: TimelineEntry[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `no timeline entry of "${command}" within ${ms} ms; made:\n${others.map(describeEntry).join('\n')}`,
        ),
      );
    }, ms);
    // A caller that stopped waiting (the terminal went quiet) must not keep the test alive.
    timer.unref();
    const off = lab.timeline.onEntry((e) => {
      if (e.command !== command) {
        others.push(e);
        return;
      }
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/**
 * Opens `lesson` (from `dir`, the samples by default) in a temp lab home; `onRun` sees the
 * lesson run itself (its scope, for looks at the lab).
 */
export async function openTimelineLab(
  lesson = 'sample-namespaces',
  dir?: string,
  onRun?: (run: LessonRun) => void,
): Promise<TimelineLab> {
  const temp = useTempLab();
  process.env.CONTLAB_LESSONS = dir ?? copySamples(join(temp.home, '..'));
  const lab = await openLocalLab(loadLesson(lesson), onRun === undefined ? {} : { onRun });
  let out = '';
  try {
    await lab.run.resume();
    const shell = lab.openShell(160, 50);
    shell.onData((d) => {
      out += d;
      if (out.length > 200_000) out = out.slice(-100_000);
    });
    // The shell's first prompt: its start-up is no command of the learner's.
    const deadline = Date.now() + 20_000;
    while (!/\$ $/.test(out.trimEnd() + ' ') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    return {
      temp,
      lab,
      shell,
      output: () => out,
      run: (line, ms = 30_000) => {
        const entry = nextEntry(lab, line, ms);
        shell.write(`${line}\r`);
        return entry;
      },
      close: async () => {
        await lab.close();
        delete process.env.CONTLAB_LESSONS;
        temp.remove();
      },
    };
  } catch (err) {
    await lab.close();
    throw err;
  }
}

/** The entry in words, one item a line (what a failed expectation prints). */
export function describeEntry(e: TimelineEntry): string {
  return [
    `$ ${e.command} (exit ${e.exitStatus})`,
    ...e.items.map((i) => `  ${itemText(i).text}`),
  ].join('\n');
}

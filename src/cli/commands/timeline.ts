/**
 * `contlab timeline [SESSION] [--json]`: what each command run in a lab's shell did to the
 * kernel, read from where the lab writes it (timeline.jsonl in its session directory). With
 * no SESSION, the lab running now (the newest, when there are several).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { sessionsDir } from '../../engine/paths.js';
import { sessionIsLive } from '../../engine/session.js';
import { readTimeline, timelineFile } from '../../engine/timeline/file.js';
import type { TimelineEntry } from '../../engine/timeline/types.js';
import { t } from '../../i18n/messages.js';
import { chalk, printJson } from '../output.js';
import { phrase } from '../../i18n/phrase.js';

interface TimelineOptions {
  json?: boolean;
  last?: string;
}

interface Found {
  id: string;
  file: string;
  live: boolean;
  mtime: number;
}

function sessionsWithTimelines(): Found[] {
  const dir = sessionsDir();
  if (!existsSync(dir)) return [];
  const out: Found[] = [];
  for (const id of readdirSync(dir)) {
    const file = timelineFile(join(dir, id));
    try {
      out.push({ id, file, live: sessionIsLive(id), mtime: statSync(file).mtimeMs });
    } catch {
      // no timeline in this session
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime);
}

function choose(ref: string | undefined): Found {
  const all = sessionsWithTimelines();
  if (ref === undefined) {
    const found = all.find((s) => s.live) ?? all[0];
    if (found === undefined)
      throw new LabError(phrase('error.timeline.none'), {
        remedy: phrase('error.timeline.none.remedy', { command: 'contlab start LESSON' }),
      });
    return found;
  }
  const match = all.filter(
    (s) => s.id === ref || s.id.startsWith(ref) || s.id.startsWith(`session-${ref}-`),
  );
  if (match.length === 1 && match[0] !== undefined) return match[0];
  throw new LabError(
    match.length === 0
      ? phrase('error.timeline.noSession', { ref })
      : phrase('error.timeline.ambiguous', { ref, count: String(match.length) }),
    {
      remedy:
        all.length === 0
          ? phrase('error.timeline.noneNow')
          : phrase('error.timeline.giveOne', { sessions: all.map((s) => s.id).join(', ') }),
    },
  );
}

function lessonOf(sessionDir: string): string | undefined {
  try {
    const info = JSON.parse(readFileSync(join(sessionDir, 'lab.json'), 'utf8')) as {
      lesson?: unknown;
    };
    return typeof info.lesson === 'string' ? info.lesson : undefined;
  } catch {
    return undefined;
  }
}

async function printText(found: Found, entries: TimelineEntry[]): Promise<void> {
  const { entryText } = await import('../../ui/format/timeline-text.js');
  const lesson = lessonOf(join(sessionsDir(), found.id));
  process.stdout.write(
    chalk.bold(
      `${t('timeline.header', {
        session: found.id,
        lesson: lesson === undefined ? '' : t('timeline.headerLesson', { lesson }),
        ended: found.live ? '' : t('timeline.headerEnded'),
        count: entries.length,
      })}\n`,
    ),
  );
  for (const e of entries) {
    const [head, ...rest] = entryText(e);
    process.stdout.write(`\n${chalk.cyan(head ?? '')}\n${rest.map((l) => `${l}\n`).join('')}`);
  }
}

export function registerTimeline(program: Command): void {
  program
    .command('timeline [session]')
    .description(t('cmd.timeline'))
    .option('--json', t('opt.timeline.json'))
    .option('--last <n>', t('opt.timeline.last'))
    .action(async (ref: string | undefined, opts: TimelineOptions) => {
      const found = choose(ref);
      let entries = readTimeline(found.file) ?? [];
      if (opts.last !== undefined) {
        const n = Number(opts.last);
        if (!Number.isInteger(n) || n < 1)
          throw new LabError(phrase('error.flag.positiveNot', { flag: '--last', text: opts.last }));
        entries = entries.slice(-n);
      }
      // A note's phrase (`said`) is left out: its English `text` says the same.
      if (opts.json)
        printJson({ session: found.id, live: found.live, entries }, (key, value) =>
          key === 'said' ? undefined : value,
        );
      else await printText(found, entries);
    });
}

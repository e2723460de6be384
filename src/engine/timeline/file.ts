/**
 * The timeline file of a lab: `timeline.jsonl` in its session directory, one entry a line,
 * each appended with a single write (recorder.ts). A reader skips what it cannot parse (a
 * line being written this instant has no newline yet, and is left for the next read).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TimelineEntry } from './types.js';

export const TIMELINE_FILE = 'timeline.jsonl';

export const timelineFile = (sessionDir: string): string => join(sessionDir, TIMELINE_FILE);

function isEntry(v: unknown): v is TimelineEntry {
  const e = v as Partial<TimelineEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.seq === 'number' &&
    (e.kind === 'command' || e.kind === 'undo') &&
    typeof e.command === 'string' &&
    Array.isArray(e.items)
  );
}

/** The entries of a timeline's text (whole lines only). */
export function parseTimeline(text: string): TimelineEntry[] {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const out: TimelineEntry[] = [];
  for (const line of complete.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isEntry(value)) out.push(value);
    } catch {
      // not an entry: skipped
    }
  }
  return out;
}

/** The entries in a timeline file; undefined when there is none. */
export function readTimeline(path: string): TimelineEntry[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseTimeline(text);
}

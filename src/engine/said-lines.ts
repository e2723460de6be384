/**
 * Report lines (what was removed, what could not be) are kept in English, for --json, logs
 * and the journal; beside them a report keeps each line's phrase under its English, so the
 * screen can say it in the learner's language. A line without a phrase is shown as it is.
 * A plain object (not a Map): reports travel as JSON (the timeline file, the remote lab).
 */
import { english, say, type PhraseValue } from '../i18n/phrase.js';

export type SaidLines = Record<string, PhraseValue>;

/** The English of `p`, remembered in `said` with its phrase. */
export function line(said: SaidLines, p: PhraseValue): string {
  const text = english(p);
  said[text] = p;
  return text;
}

/** A report line in the current language, from its phrase when the report has one. */
export function sayLine(said: SaidLines | undefined, text: string): string {
  const p = said !== undefined && Object.hasOwn(said, text) ? said[text] : undefined;
  return p === undefined ? text : say(p);
}

/**
 * A sentence not yet in any language: a message ID and its values. The layers below the UI
 * (the engine, the lessons' checks) say what happened as phrases; whoever shows one says it
 * in the learner's language (`say`), while `--json` and logs keep its English (`english`),
 * the same in every language. A value may itself be a phrase, or a list of them joined by a
 * message such as `{a} and {b}`, so that each language orders and joins the parts itself.
 */
import { language } from './current.js';
import { tIn } from './messages.js';
import { SOURCE_LANGUAGE } from './locale.js';

export interface Phrase {
  id: string;
  values?: Record<string, PhraseValue>;
}

/** Parts said one after another, each pair joined by the message `join` (`{a} and {b}`). */
export interface PhraseList {
  items: PhraseValue[];
  join: string;
}

export type PhraseValue = string | number | Phrase | PhraseList;

export function phrase(id: string, values?: Record<string, PhraseValue>): Phrase {
  return values === undefined ? { id } : { id, values };
}

export function phraseList(join: string, items: PhraseValue[]): PhraseList {
  return { items, join };
}

function isList(v: PhraseValue): v is PhraseList {
  return typeof v === 'object' && 'items' in v;
}

/** `value` in `lang` (the current language when not given). */
export function say(value: PhraseValue, lang: string = language()): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isList(value)) {
    const parts = value.items.map((item) => say(item, lang));
    if (parts.length === 0) return '';
    return parts.reduce((a, b) => tIn(lang, value.join, { a, b }));
  }
  if (value.values === undefined) return tIn(lang, value.id);
  // Numbers stay numbers: a message may choose its words by them (`{count, plural, ...}`).
  const values: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(value.values))
    values[name] = typeof v === 'number' ? v : say(v, lang);
  return tIn(lang, value.id, values);
}

/** `value` in English: what `--json`, logs and messages for other programs show. */
export function english(value: PhraseValue): string {
  return say(value, SOURCE_LANGUAGE);
}

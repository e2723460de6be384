/**
 * The UI's words, from one message catalogue per language: locales/LANG.json, a flat object
 * of message IDs to ICU MessageFormat strings (`{count, plural, one {# step} other {# steps}}`),
 * formatted with intl-messageformat. English (locales/en.json) is the source and the
 * fallback: a message the chosen catalogue lacks is said in English. Only the chosen
 * language's catalogue is read (and English's, the first time one is missing), when the
 * first message is asked for; each message is compiled the first time it is used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { language, setCurrentLanguage } from './current.js';
import { localesDir, SOURCE_LANGUAGE } from './locale.js';

export { language };

export type Catalogue = Record<string, string>;
export type MessageValues = Record<string, string | number>;

const catalogues = new Map<string, Catalogue>();
const compiled = new Map<string, IntlMessageFormat>();

/** The catalogue of `lang` as its file holds it (empty when there is none or it is broken). */
export function readCatalogue(lang: string): Catalogue {
  const known = catalogues.get(lang);
  if (known !== undefined) return known;
  let catalogue: Catalogue = {};
  try {
    const data: unknown = JSON.parse(readFileSync(join(localesDir, `${lang}.json`), 'utf8'));
    if (typeof data === 'object' && data !== null && !Array.isArray(data))
      catalogue = Object.fromEntries(
        Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
  } catch {
    // no such catalogue, or a broken one (contlab lint says why): English instead
  }
  catalogues.set(lang, catalogue);
  return catalogue;
}

/** Whether the catalogues have message `id` (English has every message). */
export function hasMessage(id: string): boolean {
  return readCatalogue(SOURCE_LANGUAGE)[id] !== undefined;
}

/** Speak `lang` from now on (a language with a catalogue: see chooseLanguage). */
export function setLanguage(lang: string): void {
  setCurrentLanguage(lang);
}

/** A message without arguments, plurals or quotes needs no formatter. */
const PLAIN = /^[^{}']*$/;
/** Nor does one whose arguments are all simple (`{count}`): they are put in as they are. */
const SIMPLE = /^(?:[^{}']|\{\s*[A-Za-z_]\w*\s*\})*$/;

/**
 * Message `id` in the current language (English when the catalogue lacks it), with
 * `values` put in. An ID no catalogue has is returned as it is: a missing message shows.
 */
export function t(id: string, values?: MessageValues): string {
  return tIn(language(), id, values);
}

/**
 * Message `id` in `lang`, whatever language is chosen: the English of a result that
 * `--json` prints, beside the learner's language on the screen.
 */
export function tIn(wanted: string, id: string, values?: MessageValues): string {
  let lang = wanted;
  let text = readCatalogue(lang)[id];
  if (text === undefined && lang !== SOURCE_LANGUAGE) {
    lang = SOURCE_LANGUAGE;
    text = readCatalogue(lang)[id];
  }
  if (text === undefined) return id;
  if (PLAIN.test(text)) return text;
  if (SIMPLE.test(text) && values !== undefined) {
    const simple = text.replace(/\{\s*(\w+)\s*\}/g, (all, name: string) =>
      name in values ? String(values[name]) : all,
    );
    if (!/\{\s*\w+\s*\}/.test(simple)) return simple;
  }
  const key = `${lang}\0${id}`;
  let format = compiled.get(key);
  if (format === undefined) {
    try {
      format = new IntlMessageFormat(text, lang);
    } catch {
      return text; // a broken message (lint names it) is shown as written
    }
    compiled.set(key, format);
  }
  try {
    const out = format.format(values);
    return typeof out === 'string' ? out : String(out);
  } catch {
    return text; // a value the message needs was not given
  }
}

/** The name of language `code` in the current language (the code itself when unknown). */
export function languageName(code: string): string {
  const name = t(`language.${code}`);
  return name === `language.${code}` ? code : name;
}

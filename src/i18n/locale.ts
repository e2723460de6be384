/**
 * Which language contlab speaks: `--lang`, else the POSIX locale variables (LC_ALL, then
 * LC_MESSAGES, then LANG, the order the C library reads them in), else English. A locale
 * name (`ru_RU.UTF-8`, `zh_CN`, `pt-BR`) stands for its language (`ru`, `zh`, `pt`); `C` and
 * `POSIX` are English. Only languages with a message catalogue (locales/LANG.json) are
 * chosen; any other falls back to English.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../engine/repo.js';

/** The source language: lessons and the catalogue are written in it first. */
export const SOURCE_LANGUAGE = 'en';

export const localesDir = join(repoRoot, 'locales');

/** `ru_RU.UTF-8` → `ru`; undefined for C, POSIX, an empty value or something unreadable. */
export function languageOfLocale(locale: string | undefined): string | undefined {
  if (locale === undefined) return undefined;
  const m = /^([A-Za-z]{2,3})(?:[_-][A-Za-z0-9]+)*(?:\.[^@]*)?(?:@.*)?$/.exec(locale.trim());
  if (m === null) return undefined;
  const lang = (m[1] ?? '').toLowerCase();
  return lang === 'c' ? undefined : lang;
}

/** The language the environment asks for (LC_ALL > LC_MESSAGES > LANG), if any. */
export function languageFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    // An empty variable does not count: the next one decides (as in the C library).
    if (value === undefined || value === '') continue;
    return languageOfLocale(value);
  }
  return undefined;
}

/** Whether contlab has a catalogue for `lang`. */
export function hasCatalogue(lang: string): boolean {
  return lang === SOURCE_LANGUAGE || existsSync(join(localesDir, `${lang}.json`));
}

/** Every language with a catalogue, English first. */
export function catalogueLanguages(): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(localesDir)
      .filter((f) => /^[a-z]{2,3}\.json$/.test(f))
      .map((f) => f.slice(0, -'.json'.length));
  } catch {
    // no locales folder: English only
  }
  return [SOURCE_LANGUAGE, ...names.filter((n) => n !== SOURCE_LANGUAGE).sort()];
}

/**
 * The language to speak: `asked` (from --lang, a locale name or a language code) when
 * given, else the environment's; English when contlab has no catalogue for it.
 */
export function chooseLanguage(
  asked: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const wanted = asked !== undefined ? languageOfLocale(asked) : languageFromEnv(env);
  return wanted !== undefined && hasCatalogue(wanted) ? wanted : SOURCE_LANGUAGE;
}

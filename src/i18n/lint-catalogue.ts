/**
 * `contlab lint` for the message catalogues (locales/LANG.json): each is a JSON object of
 * message IDs to ICU MessageFormat strings. English is the source: another catalogue may
 * not have an ID English lacks, nor a message whose arguments (`{count}`) differ from the
 * English one's; every message must parse. An ID it lacks is said in English: a warning
 * (an error with --lang, for a translator who wants the edition complete).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Diagnostic } from '../lessons/format/diagnostic.js';
import { catalogueLanguages, localesDir, SOURCE_LANGUAGE } from './locale.js';

/** The argument names a message uses (`{count}`, `{n, plural, ...}`), sorted. */
export function messageArguments(elements: readonly MessageFormatElement[]): string[] {
  const names = new Set<string>();
  const walk = (els: readonly MessageFormatElement[]): void => {
    for (const el of els) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      if (el.type === TYPE.tag) {
        walk(el.children);
        continue;
      }
      names.add(el.value);
      if (el.type === TYPE.plural || el.type === TYPE.select)
        for (const option of Object.values(el.options)) walk(option.value);
    }
  };
  walk(elements);
  return [...names].sort();
}

/**
 * ICU quotes what follows an apostrophe placed before `{` or `}`: `'{name}'` prints
 * "{name}" literally, not the argument. An apostrophe meant as one is written `''`.
 */
const QUOTED_ARGUMENT = /(?:^|[^'])'[{}]/;

/** Why `text` is wrong beyond parsing, or undefined. */
function quotedArgument(id: string, text: string): string | undefined {
  return QUOTED_ARGUMENT.test(text)
    ? `"${id}": an apostrophe before { quotes the argument, which then prints as written: write '' for an apostrophe (''{name}'' shows 'value')`
    : undefined;
}

interface Read {
  messages: Map<string, string>;
  lines: string[];
}

function lineOf(lines: readonly string[], id: string): { line: number; col: number } {
  const at = lines.findIndex((l) => l.includes(JSON.stringify(id) + ':'));
  return { line: at < 0 ? 1 : at + 1, col: at < 0 ? 1 : (lines[at] ?? '').indexOf('"') + 1 };
}

function readFile(file: string, shown: string, out: Diagnostic[]): Read | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    out.push({ file: shown, line: 1, col: 1, message: `cannot read: ${(err as Error).message}` });
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    out.push({ file: shown, line: 1, col: 1, message: `not JSON: ${(err as Error).message}` });
    return undefined;
  }
  const lines = text.split('\n');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    out.push({
      file: shown,
      line: 1,
      col: 1,
      message: 'a catalogue is one JSON object: "message.id": "text"',
    });
    return undefined;
  }
  const messages = new Map<string, string>();
  for (const [id, value] of Object.entries(data)) {
    if (typeof value === 'string') messages.set(id, value);
    else out.push({ file: shown, ...lineOf(lines, id), message: `"${id}": a message is a string` });
  }
  return { messages, lines };
}

/**
 * Problems of the catalogues of `langs` (default: every one), paths shown through `display`.
 * `strict`: a message a catalogue lacks is an error, not a warning.
 */
export function lintCatalogues(
  display: (abs: string) => string,
  options: { langs?: readonly string[]; strict?: boolean } = {},
): { files: string[]; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const enFile = join(localesDir, `${SOURCE_LANGUAGE}.json`);
  const en = readFile(enFile, display(enFile), out);
  const files = [enFile];
  const args = new Map<string, string[]>();
  for (const [id, text] of en?.messages ?? []) {
    const quoted = quotedArgument(id, text);
    if (quoted !== undefined)
      out.push({ file: display(enFile), ...lineOf(en?.lines ?? [], id), message: quoted });
    try {
      args.set(id, messageArguments(parse(text)));
    } catch (err) {
      out.push({
        file: display(enFile),
        ...lineOf(en?.lines ?? [], id),
        message: `"${id}": not ICU MessageFormat: ${(err as Error).message}`,
      });
    }
  }
  const langs = (options.langs ?? catalogueLanguages()).filter((l) => l !== SOURCE_LANGUAGE);
  for (const lang of langs) {
    const file = join(localesDir, `${lang}.json`);
    const shown = display(file);
    files.push(file);
    if (!existsSync(file)) {
      out.push({
        file: shown,
        line: 1,
        col: 1,
        message: `no "${lang}" catalogue yet: copy ${display(enFile)} to ${shown} and translate its messages (the IDs and {arguments} stay)`,
      });
      continue;
    }
    const cat = readFile(file, shown, out);
    if (cat === undefined || en === undefined) continue;
    for (const [id, text] of cat.messages) {
      const pos = lineOf(cat.lines, id);
      const want = args.get(id);
      const quoted = quotedArgument(id, text);
      if (quoted !== undefined) out.push({ file: shown, ...pos, message: quoted });
      if (!en.messages.has(id)) {
        out.push({
          file: shown,
          ...pos,
          message: `"${id}" is not an English message ID (a typo, or one English dropped): remove it`,
        });
        continue;
      }
      let have: string[];
      try {
        have = messageArguments(parse(text));
      } catch (err) {
        out.push({
          file: shown,
          ...pos,
          message: `"${id}": not ICU MessageFormat: ${(err as Error).message}`,
        });
        continue;
      }
      if (want !== undefined && have.join() !== want.join())
        out.push({
          file: shown,
          ...pos,
          message: `"${id}" uses {${have.join('}, {')}}; the English message {${want.join('}, {')}} (the arguments are the English ones)`,
        });
    }
    const missing = [...en.messages.keys()].filter((id) => !cat.messages.has(id));
    if (missing.length > 0)
      out.push({
        file: shown,
        line: 1,
        col: 1,
        message: `${missing.length} English message(s) not translated yet (said in English): ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`,
        ...(options.strict === true ? {} : { severity: 'warning' as const }),
      });
  }
  return { files, diagnostics: out };
}

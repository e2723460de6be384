/**
 * The dashboard page's words in the instructor's language: every `class.*` message of the
 * catalogue (English where it lacks one), served as JSON at /words.json. The page puts the
 * values in itself (`{count}`), so these messages stay simple: no plurals, no quotes
 * (test/class/web-words.test.ts holds them to it). Not secret: served without the key.
 * What the class server and an attendee's terminal say (`classTerm.*`: plurals allowed)
 * is not served.
 */
import type { ServerResponse } from 'node:http';
import { readCatalogue } from '../i18n/messages.js';
import { SOURCE_LANGUAGE } from '../i18n/locale.js';

export interface WebWords {
  lang: string;
  messages: Record<string, string>;
}

export function webWords(lang: string): WebWords {
  const own = readCatalogue(lang);
  const messages: Record<string, string> = {};
  for (const [id, english] of Object.entries(readCatalogue(SOURCE_LANGUAGE)))
    if (id.startsWith('class.')) messages[id] = own[id] ?? english;
  return { lang, messages };
}

export function serveWords(lang: string, res: ServerResponse): void {
  res
    .writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    })
    .end(JSON.stringify(webWords(lang)));
}

/**
 * The language contlab speaks, on its own (no catalogue, no formatter): the lesson loader
 * asks it which translation to read without loading the UI's messages.
 */
let current = 'en';

export function language(): string {
  return current;
}

export function setCurrentLanguage(lang: string): void {
  current = lang;
}

/**
 * The fenced blocks a lesson is made of, by info string, and help for authors who type a
 * near miss (```chekpoint would otherwise be shown to the learner as plain code).
 */
export const LAB_BLOCKS = [
  'step',
  'sh',
  'setup',
  'cleanup',
  'hint',
  'quiz',
  'notes',
  'checkpoint',
  'solution',
  'wrong',
] as const;

export type LabBlock = (typeof LAB_BLOCKS)[number];

export function isLabBlock(lang: string | null | undefined): lang is LabBlock {
  return (LAB_BLOCKS as readonly string[]).includes(lang ?? '');
}

/** ```v1 and ```v2 hold Markdown shown only on that cgroup version. */
export const MODE_BLOCKS = ['v1', 'v2'] as const;

export function isModeBlock(lang: string | null | undefined): lang is 'v1' | 'v2' {
  return lang === 'v1' || lang === 'v2';
}

/** Languages only ever shown: never mistaken for a lab block. */
const DISPLAY = new Set(['text', 'json', 'yaml', 'c', 'go', 'diff', 'ini', 'toml', 'python']);
const SHELL_ALIASES = new Set(['bash', 'shell', 'console', 'zsh', 'shell-session']);

/** A message when `lang` looks like a mistyped lab block, else undefined. */
export function nearMiss(lang: string): string | undefined {
  if (SHELL_ALIASES.has(lang)) {
    return `unknown block type "${lang}": use \`\`\`sh for commands the learner types (\`\`\`text for output)`;
  }
  if (DISPLAY.has(lang) || lang.length < 3) return undefined;
  const close = LAB_BLOCKS.find((b) => distance(lang.toLowerCase(), b) <= 2);
  return close === undefined ? undefined : `unknown block type "${lang}": did you mean "${close}"?`;
}

/** Edit distance, for "did you mean" suggestions. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(
        cur + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/**
 * The YAML front matter between the two `---` lines at the top of lesson.md. It is blanked
 * out (lines kept) before the Markdown is parsed, so Markdown positions stay file positions.
 */
import { diagnostic, type Diagnostic } from './diagnostic.js';

export interface SplitSource {
  yaml: string;
  /** The file with the front matter replaced by empty lines. */
  markdown: string;
}

export function splitFrontMatter(
  file: string,
  source: string,
): { split?: SplitSource; diagnostics: Diagnostic[] } {
  const lines = source.split('\n');
  if ((lines[0] ?? '').trimEnd() !== '---') {
    return {
      diagnostics: [
        diagnostic(
          file,
          { line: 1, col: 1 },
          'missing front matter: start the file with a line "---", the lesson metadata in YAML, and "---"',
        ),
      ],
    };
  }
  const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (end < 0) {
    return {
      diagnostics: [
        diagnostic(file, { line: 1, col: 1 }, 'front matter is never closed: add a line "---"'),
      ],
    };
  }
  const yaml = lines.slice(1, end).join('\n');
  const markdown = lines.map((l, i) => (i <= end ? '' : l)).join('\n');
  return { split: { yaml, markdown }, diagnostics: [] };
}

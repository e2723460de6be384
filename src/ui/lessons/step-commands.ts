/**
 * The commands of a step, numbered as the player lists them under "type in the shell":
 * each of the step's shell blocks split into single commands, so that Ctrl-T N types
 * exactly one. A command goes on over several lines where the shell would read on: after
 * a trailing `\`, `|`, `&&` or `||`, inside quotes, a here-document or an if/for/while/case
 * or `{ }` block. Comment lines belong to the command after them.
 */
import type { CodeBlock } from './lessons-api.js';

const OPENERS = new Set(['if', 'for', 'while', 'until', 'case', 'select', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);

interface Scan {
  /** Open quote character at the end of the line, if any. */
  quote: string | undefined;
  /** Change in if/for/while/case/{ } nesting. */
  depth: number;
  /** Here-document delimiters the line opens. */
  heredocs: string[];
}

/** Quotes, keyword nesting and here-documents of one line, starting inside `quote`. */
function scan(line: string, quote: string | undefined): Scan {
  let q = quote;
  let depth = 0;
  const heredocs: string[] = [];
  let word = '';
  let commandPosition = q === undefined;
  const endWord = (): void => {
    if (word === '') return;
    if (commandPosition && OPENERS.has(word)) depth++;
    else if (commandPosition && CLOSERS.has(word)) depth--;
    commandPosition = ['then', 'do', 'else', 'elif', '!', 'time', '{'].includes(word);
    word = '';
  };
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (q !== undefined) {
      if (ch === '\\' && q === '"') i++;
      else if (ch === q) q = undefined;
      continue;
    }
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === "'" || ch === '"') {
      q = ch;
      word += 'x';
      continue;
    }
    if (ch === '#' && word === '') break;
    if (ch === '<' && line.startsWith('<<', i) && !line.startsWith('<<<', i)) {
      const m = /^<<-?\s*(['"]?)([A-Za-z_][\w]*)\1/.exec(line.slice(i));
      if (m?.[2] !== undefined) {
        heredocs.push(m[2]);
        i += m[0].length - 1;
        continue;
      }
    }
    if (/\s/.test(ch)) {
      endWord();
      continue;
    }
    if (ch === ';' || ch === '&' || ch === '|' || ch === '(' || ch === ')') {
      endWord();
      commandPosition = true;
      continue;
    }
    word += ch;
  }
  endWord();
  return { quote: q, depth, heredocs };
}

/** One shell block as single commands (each may span lines). */
export function splitCommands(text: string): string[] {
  const commands: string[] = [];
  let current: string[] = [];
  let comments: string[] = [];
  let quote: string | undefined;
  let depth = 0;
  let heredocs: string[] = [];
  let continues = false;
  const finish = (): void => {
    if (current.length > 0) commands.push([...comments, ...current].join('\n'));
    current = [];
    comments = [];
  };
  for (const line of text.replace(/\s+$/, '').split('\n')) {
    const inside = quote !== undefined || depth > 0 || heredocs.length > 0 || continues;
    if (heredocs.length > 0) {
      current.push(line);
      if (line.replace(/^\t+/, '') === heredocs[0]) heredocs = heredocs.slice(1);
      if (heredocs.length === 0 && quote === undefined && depth <= 0) finish();
      continue;
    }
    if (!inside && line.trim() === '') {
      finish();
      continue;
    }
    if (!inside && /^\s*#/.test(line)) {
      comments.push(line);
      continue;
    }
    current.push(line);
    const s = scan(line, quote);
    quote = s.quote;
    depth = Math.max(0, depth + s.depth);
    heredocs = s.heredocs;
    const trimmed = line.replace(/\s+#.*$/, '').trimEnd();
    continues = quote === undefined && /(\\|\||&&|\|\|)$/.test(trimmed);
    if (quote === undefined && depth === 0 && heredocs.length === 0 && !continues) finish();
  }
  if (current.length === 0 && comments.length > 0 && commands.length > 0) {
    commands[commands.length - 1] += `\n${comments.join('\n')}`;
    comments = [];
  }
  finish();
  return commands;
}

/** The numbered commands of a step: its shell blocks, split. */
export function stepCommands(blocks: readonly CodeBlock[]): string[] {
  return blocks.flatMap((b) => splitCommands(b.text));
}

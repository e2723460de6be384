/**
 * A small shell highlighter for the lesson's code blocks: the command word, strings,
 * variables and comments. Enough to read a command at a glance; never a parser.
 */
export type TokenKind = 'command' | 'string' | 'variable' | 'comment' | 'text';

export interface Token {
  text: string;
  kind: TokenKind;
}

const PATTERN =
  /(#.*$)|('[^']*'?|"(?:[^"\\]|\\.)*"?)|(\$\{[^}]*\}?|\$[A-Za-z_0-9?$#@*!]+|\$\()|(\s+)|([^\s'"$#]+|.)/g;

export function highlightShell(line: string): Token[] {
  const out: Token[] = [];
  let expectCommand = true;
  for (const m of line.matchAll(PATTERN)) {
    const [text, comment, str, variable, space] = m;
    if (comment !== undefined) out.push({ text, kind: 'comment' });
    else if (str !== undefined) out.push({ text, kind: 'string' });
    else if (variable !== undefined) out.push({ text, kind: 'variable' });
    else if (space !== undefined) {
      out.push({ text, kind: 'text' });
      continue;
    } else out.push({ text, kind: expectCommand && /^[\w./-]/.test(text) ? 'command' : 'text' });
    expectCommand = /^(\||&&|\|\||;|&|\$\()$/.test(text);
  }
  return out;
}

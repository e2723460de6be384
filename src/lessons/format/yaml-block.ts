/**
 * YAML inside a lesson (front matter, checkpoint, quiz and step blocks), parsed with line
 * numbers and validated with zod. Every problem is reported at the place in the lesson
 * file it comes from, not at a line number inside the block.
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { diagnostic, type Diagnostic, type SourcePos } from './diagnostic.js';

export interface YamlBlock {
  file: string;
  text: string;
  /** Position in the lesson file of the block's first character. */
  origin: SourcePos;
}

export interface ParsedYaml {
  data: unknown;
  /** Position in the lesson file of the value at a path (or of its nearest parent). */
  posAt(path: readonly PropertyKey[]): SourcePos;
}

export function parseYaml(block: YamlBlock): { parsed?: ParsedYaml; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(block.text, { lineCounter, prettyErrors: false });
  const toFile = (offset: number): SourcePos => fileOffset(block.origin, lineCounter, offset);
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e) =>
        diagnostic(
          block.file,
          toFile(errorOffset(block.text, e.code, e.message, e.pos[0])),
          `invalid YAML: ${firstLine(e.message)}`,
        ),
      ),
    };
  }
  return {
    parsed: { data: doc.toJS(), posAt: (path) => toFile(offsetAt(doc, path)) },
    diagnostics: [],
  };
}

/** Validates parsed YAML against a zod schema; issues point at the offending value. */
export function validate<T>(
  file: string,
  parsed: ParsedYaml,
  schema: z.ZodType<T>,
  what: string,
  basePath: readonly PropertyKey[] = [],
): { value?: T; diagnostics: Diagnostic[] } {
  const data = basePath.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : v),
    parsed.data,
  );
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, diagnostics: [] };
  return {
    diagnostics: result.error.issues.map((issue) => {
      const path = [...basePath, ...issue.path];
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
      const at = keys.length > 0 ? [...path, keys[0] as string] : path;
      const message = issueMessage(issue, issue.path, keys);
      return diagnostic(file, parsed.posAt(at), `${what}: ${message}`);
    }),
  };
}

function issueMessage(issue: z.core.$ZodIssue, path: PropertyKey[], keys: string[]): string {
  const where = path.length === 0 ? '' : `${path.map(String).join('.')}: `;
  if (keys.length > 0) return `${where}unknown field ${keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    return `missing field "${String(path[path.length - 1] ?? '')}"`;
  }
  return `${where}${issue.message}`;
}

function offsetAt(doc: Document, path: readonly PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

function fileOffset(origin: SourcePos, lc: LineCounter, offset: number): SourcePos {
  const p = lc.linePos(offset);
  return { line: origin.line + p.line - 1, col: origin.col + p.col - 1 };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
}

/**
 * The YAML library reports an unclosed quote where the text ends; the author needs the
 * line where the quote was opened: the first line with an odd number of that quote.
 */
function errorOffset(text: string, code: string, message: string, offset: number): number {
  const quote = /closing (['"])quote/.exec(message)?.[1];
  if (code !== 'MISSING_CHAR' || quote === undefined) return offset;
  let at = 0;
  for (const line of text.slice(0, offset).split('\n')) {
    if (line.split(quote).length % 2 === 0) return at + line.indexOf(quote);
    at += line.length + 1;
  }
  return offset;
}

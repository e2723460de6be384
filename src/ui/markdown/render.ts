/**
 * Lesson and slide Markdown as lines of styled text, laid out for one width: headings,
 * paragraphs, nested lists, GFM tables, code blocks with shell highlighting, block quotes,
 * rules, and links shown as their text followed by the URL. The player, the presenter and
 * the notes all draw Markdown with this one renderer (through <TextLines>).
 */
import type { PhrasingContent, RootContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { seg, widthOf, type Line, type Role, type Segment, type Style } from '../text/styled.js';
import { isWide, wrap } from '../text/wrap.js';
import { highlightShell, type TokenKind } from './highlight.js';
import { renderTable } from './table.js';

export interface MarkdownOptions {
  /** No colours: inline code keeps its backticks so it still stands out. */
  mono?: boolean;
}

const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'console', 'zsh']);
const BULLETS = ['•', '◦', '▪'];

const TOKEN_ROLE: Record<TokenKind, Role> = {
  command: 'keyword',
  string: 'string',
  variable: 'variable',
  comment: 'comment',
  text: 'code',
};

/** One line of shell as highlighted segments. */
export function shellSegments(line: string): Segment[] {
  return highlightShell(line).map((t) =>
    seg(
      t.text,
      t.kind === 'command' ? { color: 'keyword', bold: true } : { color: TOKEN_ROLE[t.kind] },
    ),
  );
}

/** A code block's lines, each wrapped (never cut) with a hanging indent. */
export function codeLines(
  text: string,
  width: number,
  options: { shell?: boolean; first?: Segment[]; rest?: Segment[]; indent?: number } = {},
): Line[] {
  const indent = ' '.repeat(options.indent ?? 2);
  const lines: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    const body = options.shell === false ? [seg(raw, { color: 'code' })] : shellSegments(raw);
    const first = i === 0 && options.first !== undefined ? options.first : [seg(indent)];
    const rest = options.rest ?? [seg(indent + '  ')];
    // Leading spaces are the code's own indentation: keep them as part of the prefix.
    const lead = /^\s*/.exec(raw)?.[0] ?? '';
    const trimmed = lead === '' ? body : trimLead(body, lead.length);
    lines.push(...wrapCode(trimmed, width, [...first, seg(lead)], rest));
  });
  return lines;
}

function trimLead(segments: Segment[], count: number): Segment[] {
  let left = count;
  const out: Segment[] = [];
  for (const s of segments) {
    if (left > 0) {
      const cut = Math.min(left, s.text.length);
      left -= cut;
      const text = s.text.slice(cut);
      if (text !== '') out.push({ ...s, text });
    } else out.push(s);
  }
  return out;
}

/** Code wraps at its spaces like prose, but keeps runs of spaces inside a line. */
function wrapCode(body: Segment[], width: number, first: Segment[], rest: Segment[]): Line[] {
  // Runs of spaces matter in code (alignment): turn all but one into no-break spaces.
  const kept = body.map((s) => ({
    ...s,
    text: s.text.replace(/ {2,}/g, (m) => ' ' + '\u00a0'.repeat(m.length - 1)),
  }));
  return wrap(kept, width, { first, rest }).map((line) =>
    line.map((s) => ({ ...s, text: s.text.replace(/\u00a0/g, ' ') })),
  );
}

function inline(nodes: readonly PhrasingContent[], style: Style, mono: boolean): Segment[] {
  const out: Segment[] = [];
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
        out.push(seg(joinLines(n.value), style));
        break;
      case 'inlineCode':
        out.push(seg(mono ? `\`${n.value}\`` : n.value, { ...style, color: 'string' }));
        break;
      case 'strong':
        out.push(...inline(n.children, { ...style, bold: true }, mono));
        break;
      case 'emphasis':
        out.push(...inline(n.children, { ...style, italic: true }, mono));
        break;
      case 'delete':
        out.push(...inline(n.children, style, mono));
        break;
      case 'break':
        out.push(seg('\n'));
        break;
      case 'link': {
        const text = inline(n.children, { ...style, underline: true }, mono);
        const label = text.map((s) => s.text).join('');
        out.push(...text);
        if (label !== n.url && !n.url.startsWith('#'))
          out.push(seg(' '), seg(`(${n.url})`, { ...style, color: 'muted' }));
        break;
      }
      case 'image':
        out.push(
          seg(`[${n.alt ?? 'image'}]`, style),
          seg(' '),
          seg(`(${n.url})`, { color: 'muted' }),
        );
        break;
      case 'html':
        out.push(seg(n.value, style));
        break;
      default:
        if ('children' in n) out.push(...inline(n.children as PhrasingContent[], style, mono));
        else if ('value' in n) out.push(seg(String(n.value), style));
    }
  }
  return out;
}

/**
 * A paragraph's source lines joined: with a space, except between two wide (Chinese,
 * Japanese) characters, which are written without one.
 */
function joinLines(text: string): string {
  return text.replace(/\s*\n\s*/g, (gap: string, at: number) => {
    const before = Array.from(text.slice(0, at)).pop() ?? '';
    const after = Array.from(text.slice(at + gap.length))[0] ?? '';
    return isWide(before) && isWide(after) ? '' : ' ';
  });
}

interface Context {
  mono: boolean;
  /** How many bullet lists this one is inside of (the bullet changes with it). */
  bullets: number;
}

function tableLines(node: Table, width: number, ctx: Context): Line[] {
  return renderTable(
    {
      rows: node.children.map((row) =>
        row.children.map((cell) => inline(cell.children, {}, ctx.mono)),
      ),
      align: node.align ?? [],
    },
    width,
  );
}

function listLines(
  node: Extract<RootContent, { type: 'list' }>,
  width: number,
  ctx: Context,
): Line[] {
  const lines: Line[] = [];
  const start = node.start ?? 1;
  const markers = node.children.map((_, i) =>
    node.ordered ? `${start + i}.` : (BULLETS[ctx.bullets % BULLETS.length] ?? '•'),
  );
  const markerWidth = Math.max(...markers.map(widthOf)) + 1;
  node.children.forEach((item, i) => {
    if (i > 0 && node.spread) lines.push([]);
    const inner = blocks(
      item.children,
      Math.max(1, width - markerWidth),
      { ...ctx, bullets: node.ordered === true ? ctx.bullets : ctx.bullets + 1 },
      item.spread === true,
    );
    const marker = (markers[i] ?? '').padEnd(markerWidth);
    inner.forEach((line, y) => {
      lines.push([
        seg(y === 0 ? marker : ' '.repeat(markerWidth), y === 0 ? { color: 'accent' } : undefined),
        ...line,
      ]);
    });
    if (inner.length === 0) lines.push([seg(marker, { color: 'accent' })]);
  });
  return lines;
}

function blockLines(node: RootContent, width: number, ctx: Context): Line[] {
  switch (node.type) {
    case 'heading': {
      const style: Style = node.depth <= 2 ? { bold: true, color: 'accent' } : { bold: true };
      return wrap(inline(node.children, style, ctx.mono), width);
    }
    case 'paragraph':
      return wrap(inline(node.children, {}, ctx.mono), width);
    case 'code':
      return codeLines(node.value, width, { shell: SHELL_LANGS.has(node.lang ?? '') });
    case 'thematicBreak':
      return [[seg('─'.repeat(Math.max(1, width)), { color: 'muted' })]];
    case 'blockquote':
      return blocks(node.children, Math.max(1, width - 2), ctx, true).map((l) => [
        seg('│ ', { color: 'muted' }),
        ...l.map((s) => ({ ...s, style: { italic: true, ...s.style } })),
      ]);
    case 'list':
      return listLines(node, width, ctx);
    case 'table':
      return tableLines(node, width, ctx);
    case 'html':
      return wrap([seg(node.value, { color: 'muted' })], width);
    default:
      return [];
  }
}

/** Blocks one after the other; `spread`: a blank line between them (else packed, as in a tight list item). */
function blocks(
  nodes: readonly RootContent[],
  width: number,
  ctx: Context,
  spread: boolean,
): Line[] {
  const lines: Line[] = [];
  for (const node of nodes) {
    const out = blockLines(node, width, ctx);
    if (out.length === 0) continue;
    if (lines.length > 0 && spread) lines.push([]);
    lines.push(...out);
  }
  return lines;
}

function parseMarkdown(markdown: string): RootContent[] {
  return fromMarkdown(markdown, {
    extensions: [gfmTable()],
    mdastExtensions: [gfmTableFromMarkdown()],
  }).children;
}

/** `markdown` as lines of at most `width` cells. */
export function renderMarkdown(
  markdown: string,
  width: number,
  options: MarkdownOptions = {},
): Line[] {
  return blocks(
    parseMarkdown(markdown),
    Math.max(1, width),
    { mono: options.mono ?? false, bullets: 0 },
    true,
  );
}

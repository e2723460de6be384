/**
 * Lesson Markdown as display blocks: headings, paragraphs of styled spans, lists, code.
 * Parsed with mdast-util-from-markdown; rendering (Ink) is in Markdown.tsx.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { PhrasingContent, RootContent } from 'mdast';

export interface Span {
  text: string;
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
}

export type Block =
  | { kind: 'heading'; depth: number; spans: Span[] }
  | { kind: 'paragraph'; spans: Span[]; bullet?: string; indent?: number }
  | { kind: 'code'; lines: string[]; lang: string | undefined }
  | { kind: 'rule' };

function spansOf(nodes: PhrasingContent[], style: Omit<Span, 'text'> = {}): Span[] {
  const out: Span[] = [];
  for (const n of nodes) {
    if (n.type === 'text') out.push({ ...style, text: n.value.replace(/\s*\n\s*/g, ' ') });
    else if (n.type === 'inlineCode') out.push({ ...style, code: true, text: n.value });
    else if (n.type === 'strong') out.push(...spansOf(n.children, { ...style, bold: true }));
    else if (n.type === 'emphasis') out.push(...spansOf(n.children, { ...style, italic: true }));
    else if (n.type === 'link') out.push(...spansOf(n.children, style));
    else if (n.type === 'break') out.push({ ...style, text: ' ' });
    else if ('children' in n) out.push(...spansOf(n.children as PhrasingContent[], style));
    else if ('value' in n) out.push({ ...style, text: String(n.value) });
  }
  return out;
}

function blocksOf(nodes: RootContent[], indent: number): Block[] {
  const out: Block[] = [];
  for (const n of nodes) {
    if (n.type === 'heading')
      out.push({ kind: 'heading', depth: n.depth, spans: spansOf(n.children) });
    else if (n.type === 'paragraph')
      out.push({ kind: 'paragraph', spans: spansOf(n.children), indent });
    else if (n.type === 'code')
      out.push({ kind: 'code', lines: n.value.split('\n'), lang: n.lang ?? undefined });
    else if (n.type === 'thematicBreak') out.push({ kind: 'rule' });
    else if (n.type === 'blockquote') out.push(...blocksOf(n.children, indent + 2));
    else if (n.type === 'list') {
      n.children.forEach((item, i) => {
        const bullet = n.ordered ? `${(n.start ?? 1) + i}.` : '•';
        const inner = blocksOf(item.children, indent + bullet.length + 1);
        const first = inner[0];
        if (first?.kind === 'paragraph') inner[0] = { ...first, bullet, indent };
        out.push(...inner);
      });
    } else if (n.type === 'html')
      out.push({ kind: 'paragraph', spans: [{ text: n.value }], indent });
  }
  return out;
}

export function markdownBlocks(markdown: string): Block[] {
  return blocksOf(fromMarkdown(markdown).children, 0);
}

/** The plain text of spans (tests, slide bullets). */
export function plainText(spans: Span[]): string {
  return spans.map((s) => s.text).join('');
}

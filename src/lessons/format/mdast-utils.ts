/** Small readers over the Markdown syntax tree (mdast) that the lesson parser needs. */
import type { Code, Nodes, Root } from 'mdast';
import type { SourcePos } from './diagnostic.js';

export function startOf(node: Nodes): SourcePos {
  return { line: node.position?.start.line ?? 1, col: node.position?.start.column ?? 1 };
}

/** The plain text of a node (a heading's title without its emphasis marks). */
export function textOf(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  return '';
}

/** Every fenced code block anywhere in the tree, with its depth (0: a child of the root). */
export function codeBlocks(root: Root): { node: Code; nested: boolean }[] {
  const out: { node: Code; nested: boolean }[] = [];
  const walk = (node: Nodes, depth: number): void => {
    if (node.type === 'code') out.push({ node, nested: depth > 1 });
    if ('children' in node) for (const c of node.children as Nodes[]) walk(c, depth + 1);
  };
  walk(root, 0);
  return out;
}

/**
 * Whether a fenced block has its closing fence. CommonMark lets a fence run to the end of
 * the document, which silently swallows the rest of a lesson: the linter refuses that.
 */
export function isClosedFence(node: Code, lines: readonly string[]): boolean {
  const start = node.position?.start.line ?? 1;
  const end = node.position?.end.line ?? start;
  const open = /^\s*(`{3,}|~{3,})/.exec(lines[start - 1] ?? '');
  if (open === null) return true; // an indented code block has no fence to close
  const fence = open[1] as string;
  if (end === start) return false;
  const close = (lines[end - 1] ?? '').trim();
  return close.length >= fence.length && close === (fence[0] as string).repeat(close.length);
}

/** `when="a fails and b passes"` → the attribute's value (quotes optional for one word). */
export function metaAttribute(meta: string | null | undefined, name: string): string | undefined {
  if (!meta) return undefined;
  const m = new RegExp(`(?:^|\\s)${name}=(?:"([^"]*)"|'([^']*)'|(\\S+))`).exec(meta);
  return m === null ? undefined : (m[1] ?? m[2] ?? m[3]);
}

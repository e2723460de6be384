/**
 * Parses one lesson.md: YAML front matter, then `## Step: title` sections, each holding
 * prose and fenced lab blocks (see lessons-content/README.md). Returns the lesson or every
 * problem found, each with file:line:col; it never throws on bad input.
 */
import { dirname } from 'node:path';
import type { Code, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { isLabBlock, isModeBlock, nearMiss } from './blocks.js';
import { byPosition, diagnostic, type Diagnostic } from './diagnostic.js';
import { unknownConcept } from './concepts-message.js';
import { splitFrontMatter } from './front-matter.js';
import { codeBlocks, isClosedFence, startOf, textOf } from './mdast-utils.js';
import type { CgroupVersion, Lesson, Step } from './model.js';
import { inlineProblems, resolveInline } from './modes.js';
import { frontMatterSchema, type FrontMatter } from './schema.js';
import { StepBuilder } from './step-builder.js';
import { parseYaml, validate } from './yaml-block.js';

export interface ParseResult {
  lesson?: Lesson;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  /** Known curriculum concept IDs; when given, unknown IDs are errors. */
  concepts?: Set<string>;
  /** Resolve the text for this cgroup version (leave out the other's); undefined keeps both. */
  mode?: CgroupVersion;
}

export function parseLesson(file: string, source: string, options: ParseOptions = {}): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const split = splitFrontMatter(file, source);
  diagnostics.push(...split.diagnostics);
  if (!split.split) return { diagnostics };

  const meta = parseFrontMatter(file, split.split.yaml, diagnostics, options.concepts);
  const body = parseBody(file, split.split.markdown, source, diagnostics, options);
  diagnostics.sort(byPosition);
  if (diagnostics.length > 0 || meta === undefined || body === undefined) return { diagnostics };
  return {
    lesson: {
      ...meta,
      mode: options.mode,
      intro: body.intro,
      steps: body.steps,
      file,
      dir: dirname(file),
    },
    diagnostics,
  };
}

function parseFrontMatter(
  file: string,
  yaml: string,
  diagnostics: Diagnostic[],
  concepts: Set<string> | undefined,
): FrontMatter | undefined {
  const { parsed, diagnostics: yamlErrors } = parseYaml({
    file,
    text: yaml,
    origin: { line: 2, col: 1 },
  });
  diagnostics.push(...yamlErrors);
  if (!parsed) return undefined;
  const r = validate(file, parsed, frontMatterSchema, 'front matter');
  diagnostics.push(...r.diagnostics);
  r.value?.concepts.forEach((id, i) => {
    if (concepts !== undefined && !concepts.has(id))
      diagnostics.push(diagnostic(file, parsed.posAt(['concepts', i]), unknownConcept(id)));
  });
  return r.value;
}

function parseBody(
  file: string,
  markdown: string,
  source: string,
  diagnostics: Diagnostic[],
  options: ParseOptions,
): { intro: string; steps: Step[] } | undefined {
  const { concepts, mode } = options;
  const root = fromMarkdown(markdown);
  const lines = source.split('\n');
  for (const p of inlineProblems(markdown)) {
    const before = markdown.slice(0, p.offset).split('\n');
    const pos = { line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 };
    diagnostics.push(diagnostic(file, pos, p.message));
  }
  for (const { node, nested } of codeBlocks(root)) {
    if (!isClosedFence(node, lines)) {
      diagnostics.push(
        diagnostic(file, startOf(node), 'code fence is never closed: add a closing ``` line'),
      );
      return undefined;
    }
    if (nested && isLabBlock(node.lang)) {
      diagnostics.push(
        diagnostic(
          file,
          startOf(node),
          `\`\`\`${node.lang} block inside a list or quote: lab blocks must start at the left margin`,
        ),
      );
    }
  }

  const intro: string[] = [];
  const builders: StepBuilder[] = [];
  for (const node of root.children) {
    const current = builders[builders.length - 1];
    const title = stepTitle(file, node, diagnostics);
    if (title !== undefined) {
      builders.push(
        new StepBuilder(file, title, builders.length + 1, startOf(node), concepts, mode),
      );
    } else if (node.type === 'code' && isModeBlock(node.lang)) {
      // Markdown for one cgroup version: its body is prose there, absent on the other.
      const text =
        mode === undefined ? sliceOf(markdown, node) : node.lang === mode ? node.value : '';
      if (text === '') continue;
      if (current === undefined) intro.push(text);
      else current.addProse(text);
    } else if (node.type === 'code' && isLabBlock(node.lang)) {
      if (current === undefined) {
        diagnostics.push(
          diagnostic(
            file,
            startOf(node),
            `\`\`\`${node.lang} block before the first step: put it under a "## Step: title" heading`,
          ),
        );
      } else current.addBlock(node.lang, node);
    } else {
      if (node.type === 'code') checkNearMiss(file, node, diagnostics);
      const text = sliceOf(markdown, node);
      if (current === undefined) intro.push(text);
      else current.addProse(text);
    }
  }
  const steps = builders.map((b) => b.finish());
  for (const b of builders) diagnostics.push(...b.diagnostics);
  if (steps.length === 0) {
    diagnostics.push(
      diagnostic(
        file,
        { line: 1, col: 1 },
        'the lesson has no steps: add a "## Step: title" heading',
      ),
    );
  }
  diagnostics.push(...duplicateStepIds(file, steps));
  return { intro: resolveInline(intro.join('\n\n').trim(), mode), steps };
}

/** The title of a `## Step: title` heading; a near miss (`## Step title`) is reported. */
function stepTitle(file: string, node: RootContent, out: Diagnostic[]): string | undefined {
  if (node.type !== 'heading' || node.depth !== 2) return undefined;
  const text = textOf(node).trim();
  const m = /^Step:\s*(.*)$/i.exec(text);
  if (m === null) {
    const near = /^step\b[\s\d.:-]*(.*)$/i.exec(text);
    if (near === null) return undefined;
    // Still a step (so its blocks are not reported as strays): one message, not six.
    out.push(diagnostic(file, startOf(node), 'write a step heading as "## Step: title"'));
    return (near[1] ?? '').trim() || 'untitled';
  }
  const title = (m[1] ?? '').trim();
  if (title === '') out.push(diagnostic(file, startOf(node), 'the step has no title'));
  return title || 'untitled';
}

function checkNearMiss(file: string, node: Code, out: Diagnostic[]): void {
  const message = node.lang ? nearMiss(node.lang) : undefined;
  if (message !== undefined) out.push(diagnostic(file, startOf(node), message));
}

function duplicateStepIds(file: string, steps: Step[]): Diagnostic[] {
  const seen = new Map<string, Step>();
  const out: Diagnostic[] = [];
  for (const s of steps) {
    const first = seen.get(s.id);
    if (first !== undefined) {
      out.push(
        diagnostic(
          file,
          s.pos,
          `duplicate step id "${s.id}" (also step ${first.number}, line ${first.pos.line}): give one an id in a \`\`\`step block`,
        ),
      );
    } else seen.set(s.id, s);
  }
  return out;
}

function sliceOf(source: string, node: RootContent): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? '' : source.slice(start, end);
}

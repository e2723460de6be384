/**
 * Parses a translation (lesson.LANG.md): front matter with the translated title and summary
 * and the hash of the English text it translates (`source:`), then the introduction, then
 * `## Step: title` sections, each naming its English step in a ```step block (`id`, and the
 * English step's hash as `source`) and holding only words: the step's text, ```hint,
 * ```quiz (question and choices), ```explain (check name: text) and ```notes blocks, in the
 * English order. Commands, checks, setup and wrong attempts are the English lesson's: a
 * translation that holds one is refused. See lessons-content/README.md, "Translating a lesson".
 */
import type { Code, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { z } from 'zod';
import { isLabBlock, isModeBlock } from '../format/blocks.js';
import { byPosition, diagnostic, type Diagnostic, type SourcePos } from '../format/diagnostic.js';
import { splitFrontMatter } from '../format/front-matter.js';
import {
  codeBlocks,
  isClosedFence,
  metaAttribute,
  startOf,
  textOf,
} from '../format/mdast-utils.js';
import { inlineProblems } from '../format/modes.js';
import { parseYaml, validate } from '../format/yaml-block.js';

/** A piece of translated Markdown: for every cgroup version, or a ```v1/```v2 passage. */
export interface ProsePart {
  text: string;
  mode?: 'v1' | 'v2';
  pos: SourcePos;
}

export interface Located {
  text: string;
  pos: SourcePos;
}

export interface TranslatedQuiz {
  question: string;
  choices: { text: string; explain: string }[];
  /** Written only to be checked against the English (1-based). */
  answer: number | undefined;
  pos: SourcePos;
}

export interface TranslatedStep {
  id: string;
  /** The English step's hash when it was translated. */
  source: string | undefined;
  title: string;
  prose: ProsePart[];
  hints: Located[];
  quizzes: TranslatedQuiz[];
  explains: (Located & { key: string })[];
  notes: Located[];
  /** Code blocks shown as they are: copies of the English step's. */
  display: Located[];
  pos: SourcePos;
  /** Where its ```step block is (where `--stamp` writes the hash). */
  metaPos: SourcePos;
  /** Where its `source:` hash is (or its ```step block, without one). */
  sourcePos: SourcePos;
  /** Where its `id:` is (or its ```step block, without one): where lint points for the id. */
  idPos: SourcePos;
}

export interface Translation {
  file: string;
  source: string | undefined;
  title: string;
  summary: string;
  intro: ProsePart[];
  steps: TranslatedStep[];
  /** Where the front matter's fields are. */
  headPos: { source: SourcePos; title: SourcePos; summary: SourcePos };
}

const hash = z.string().regex(/^[0-9a-f]{8}$/, 'the English hash: eight hex digits');

const headSchema = z.strictObject({
  source: hash.optional(),
  title: z.string().min(1),
  summary: z.string().min(1),
});

const stepSchema = z.strictObject({
  id: z.string().min(1),
  source: hash.optional(),
});

const quizSchema = z.strictObject({
  question: z.string().min(1),
  choices: z.array(z.strictObject({ text: z.string().min(1), explain: z.string().min(1) })).min(1),
  answer: z.number().int().min(1).optional(),
});

const explainSchema = z.record(z.string(), z.string().min(1));

/** Lab blocks of the English lesson only: what a translation shares, never holds. */
const SHARED = new Set(['sh', 'setup', 'cleanup', 'solution', 'checkpoint', 'wrong']);

export function parseTranslation(
  file: string,
  source: string,
): { translation?: Translation; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const error = (pos: SourcePos, message: string): void => {
    diagnostics.push(diagnostic(file, pos, message));
  };
  const split = splitFrontMatter(file, source);
  diagnostics.push(...split.diagnostics);
  if (!split.split) return { diagnostics };
  const { parsed, diagnostics: yamlErrors } = parseYaml({
    file,
    text: split.split.yaml,
    origin: { line: 2, col: 1 },
  });
  diagnostics.push(...yamlErrors);
  const head =
    parsed === undefined ? undefined : validate(file, parsed, headSchema, 'front matter');
  if (head !== undefined) diagnostics.push(...head.diagnostics);

  const markdown = split.split.markdown;
  const root = fromMarkdown(markdown);
  const lines = source.split('\n');
  for (const p of inlineProblems(markdown)) {
    const before = markdown.slice(0, p.offset).split('\n');
    error({ line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 }, p.message);
  }
  for (const { node, nested } of codeBlocks(root)) {
    if (!isClosedFence(node, lines)) {
      error(startOf(node), 'code fence is never closed: add a closing ``` line');
      return { diagnostics };
    }
    if (nested && (isLabBlock(node.lang) || node.lang === 'explain'))
      error(
        startOf(node),
        `\`\`\`${node.lang} block inside a list or quote: start it at the left margin`,
      );
  }

  const intro: ProsePart[] = [];
  const steps: TranslatedStep[] = [];
  let metaSeen = false;
  for (const node of root.children) {
    const current = steps[steps.length - 1];
    const title = stepTitle(node);
    if (title !== undefined) {
      if (current !== undefined && !metaSeen) missingMeta(current);
      if (title === '') error(startOf(node), 'the step has no title');
      steps.push({
        id: '',
        source: undefined,
        title,
        prose: [],
        hints: [],
        quizzes: [],
        explains: [],
        notes: [],
        display: [],
        pos: startOf(node),
        metaPos: startOf(node),
        sourcePos: startOf(node),
        idPos: startOf(node),
      });
      metaSeen = false;
      continue;
    }
    const pos = startOf(node);
    if (node.type === 'code' && isModeBlock(node.lang)) {
      (current?.prose ?? intro).push({ text: node.value, mode: node.lang, pos });
      continue;
    }
    if (node.type !== 'code' || (!isLabBlock(node.lang) && node.lang !== 'explain')) {
      if (node.type === 'code') current?.display.push({ text: node.value, pos });
      (current?.prose ?? intro).push({ text: sliceOf(markdown, node), pos });
      continue;
    }
    const kind = node.lang ?? '';
    if (current === undefined) {
      error(
        pos,
        `\`\`\`${kind} block before the first step: put it under a "## Step: title" heading`,
      );
      continue;
    }
    if (SHARED.has(kind)) {
      error(
        pos,
        `\`\`\`${kind} block in a translation: commands, checks, setup and wrong attempts are the English lesson's (shared, never copied); remove it`,
      );
      continue;
    }
    if (node.meta) {
      const when = metaAttribute(node.meta, 'when');
      error(
        pos,
        when !== undefined
          ? `\`\`\`${kind} when="${when}": a translated hint has no condition (it takes the English hint's at the same place); write \`\`\`${kind}`
          : `\`\`\`${kind} ${node.meta}: a translation's blocks take no options; write \`\`\`${kind}`,
      );
    }
    const origin = { line: pos.line + 1, col: pos.col };
    switch (kind) {
      case 'step': {
        if (metaSeen) {
          error(pos, 'a step has one ```step block');
          break;
        }
        metaSeen = true;
        current.metaPos = pos;
        current.sourcePos = pos;
        current.idPos = pos;
        const meta = yamlOf(node, origin, stepSchema, 'step', (at) => {
          current.sourcePos = at(['source']);
          current.idPos = at(['id']);
        });
        if (meta !== undefined) {
          current.id = meta.id;
          current.source = meta.source;
        }
        break;
      }
      case 'hint':
        current.hints.push({ text: node.value, pos });
        break;
      case 'notes':
        current.notes.push({ text: node.value, pos });
        break;
      case 'quiz': {
        const quiz = yamlOf(node, origin, quizSchema, 'quiz');
        if (quiz !== undefined)
          current.quizzes.push({
            question: quiz.question,
            choices: quiz.choices,
            answer: quiz.answer,
            pos,
          });
        break;
      }
      case 'explain': {
        const y = parseYaml({ file, text: node.value, origin });
        diagnostics.push(...y.diagnostics);
        if (y.parsed === undefined) break;
        const r = validate(file, y.parsed, explainSchema, 'explain');
        diagnostics.push(...r.diagnostics);
        for (const [key, text] of Object.entries(r.value ?? {}))
          current.explains.push({ key, text, pos: y.parsed.posAt([key]) });
        break;
      }
    }
  }
  const last = steps[steps.length - 1];
  if (last !== undefined && !metaSeen) missingMeta(last);
  if (steps.length === 0)
    error(
      { line: 1, col: 1 },
      'the translation has no steps: add a "## Step: title" heading per English step',
    );
  diagnostics.sort(byPosition);
  if (head?.value === undefined) return { diagnostics };
  return {
    translation: {
      file,
      source: head.value.source,
      title: head.value.title,
      summary: head.value.summary,
      intro,
      steps,
      headPos: {
        source: parsed?.posAt(['source']) ?? { line: 1, col: 1 },
        title: parsed?.posAt(['title']) ?? { line: 1, col: 1 },
        summary: parsed?.posAt(['summary']) ?? { line: 1, col: 1 },
      },
    },
    diagnostics,
  };

  function missingMeta(step: TranslatedStep): void {
    error(
      step.pos,
      'a translated step names its English step: put a ```step block with "id: ..." (and "source: ...") under the heading',
    );
  }

  function yamlOf<T>(
    node: Code,
    origin: SourcePos,
    schema: z.ZodType<T>,
    what: string,
    positions?: (posAt: (path: readonly PropertyKey[]) => SourcePos) => void,
  ): T | undefined {
    const y = parseYaml({ file, text: node.value, origin });
    diagnostics.push(...y.diagnostics);
    if (y.parsed === undefined) return undefined;
    positions?.(y.parsed.posAt);
    const r = validate(file, y.parsed, schema, what);
    diagnostics.push(...r.diagnostics);
    return r.value;
  }
}

/** The title of a `## Step: title` heading ('' when it has none), else undefined. */
function stepTitle(node: RootContent): string | undefined {
  if (node.type !== 'heading' || node.depth !== 2) return undefined;
  const m = /^Step:\s*(.*)$/i.exec(textOf(node).trim());
  return m === null ? undefined : (m[1] ?? '').trim();
}

function sliceOf(source: string, node: RootContent): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? '' : source.slice(start, end);
}

/** The Markdown of `parts` for cgroup version `mode` (undefined: every part, as written). */
export function proseFor(parts: readonly ProsePart[], mode: 'v1' | 'v2' | undefined): string {
  return parts
    .filter((p) => p.mode === undefined || mode === undefined || p.mode === mode)
    .map((p) =>
      p.mode !== undefined && mode === undefined ? `\`\`\`${p.mode}\n${p.text}\n\`\`\`` : p.text,
    )
    .join('\n\n')
    .trim();
}

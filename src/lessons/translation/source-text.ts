/**
 * The part of an English lesson a translation translates: the title, the summary and the
 * introduction, and per step its title, text, hints, quizzes, check explanations and
 * presenter notes. Everything else (commands, checks, wrong attempts, setup, answers) is
 * shared: a translation never holds it. Each part has a short hash of its text, which the
 * translation records (`source:`), so lint can tell when the English changed since.
 */
import { createHash } from 'node:crypto';
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { Check } from '../checks/types.js';
import type { Lesson, Step } from '../format/model.js';
import type { SourcePos } from '../format/diagnostic.js';

export interface SourceQuiz {
  question: string;
  choices: { text: string; explain: string }[];
  /** 1-based, as the file writes it. */
  answer: number;
}

export interface SourceStep {
  id: string;
  title: string;
  /** The step's Markdown as written (both cgroup versions' text kept). */
  prose: string;
  hints: string[];
  quizzes: SourceQuiz[];
  /** Check explanations by key: the check's name, or its number in the list (1 is the first). */
  explains: [string, string][];
  notes: string[];
  /** Code blocks shown as they are (```text, ```c): a translation copies them unchanged. */
  display: string[];
  hash: string;
  pos: SourcePos;
}

export interface SourceText {
  title: string;
  summary: string;
  intro: string;
  /** The hash of the title, summary and introduction. */
  hash: string;
  steps: SourceStep[];
}

/** What a check is called in a translation's ```explain block. */
export function checkKey(check: Check, index: number): string {
  return check.name ?? String(index + 1);
}

/** Whitespace runs are one space: re-wrapping the English does not make translations stale. */
function normalised(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (Array.isArray(value)) return value.map(normalised);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalised(v)]));
  return value;
}

/** Eight hex digits of the SHA-256 of `value`'s text. */
export function textHash(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(normalised(value)))
    .digest('hex')
    .slice(0, 8);
}

/** The fenced code blocks of Markdown that are shown as they are (not v1/v2 passages). */
export function displayBlocks(markdown: string): string[] {
  const out: string[] = [];
  for (const node of fromMarkdown(markdown).children)
    if (node.type === 'code' && node.lang !== 'v1' && node.lang !== 'v2') out.push(node.value);
  return out;
}

function sourceStep(step: Step): SourceStep {
  const hints = step.hints.map((h) => h.text);
  const quizzes = step.quizzes.map((q) => ({
    question: q.question,
    choices: q.choices.map((c) => ({ text: c.text, explain: c.explain })),
    answer: q.answer + 1,
  }));
  const explains = (step.checkpoint ?? []).flatMap((c, i): [string, string][] =>
    c.explain === undefined ? [] : [[checkKey(c, i), c.explain]],
  );
  const translated = {
    title: step.title,
    prose: step.prose,
    hints,
    quizzes: quizzes.map((q) => ({ question: q.question, choices: q.choices })),
    explains,
    notes: step.notes,
  };
  return {
    id: step.id,
    ...translated,
    quizzes,
    display: displayBlocks(step.prose),
    hash: textHash(translated),
    pos: step.pos,
  };
}

/** The translatable text of `lesson`, parsed with both cgroup versions kept (mode undefined). */
export function sourceText(lesson: Lesson): SourceText {
  if (lesson.mode !== undefined)
    throw new Error('sourceText needs the lesson with both cgroup versions (parsed without mode)');
  return {
    title: lesson.title,
    summary: lesson.summary,
    intro: lesson.intro,
    hash: textHash({ title: lesson.title, summary: lesson.summary, intro: lesson.intro }),
    steps: lesson.steps.map(sourceStep),
  };
}

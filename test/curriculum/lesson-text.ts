/**
 * Reads lesson.md files straight from their text (front matter, `## Step:` sections and their
 * fenced blocks), so the curriculum tests do not depend on the lesson engine's internals.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../../src/engine/repo.js';

export const LESSONS_DIR = join(repoRoot, 'lessons-content');

export interface Block {
  /** The info string: `sh`, `checkpoint`, `hint when="..."`... */
  info: string;
  body: string;
}

export interface StepText {
  lesson: string;
  title: string;
  id: string | undefined;
  concepts: string[];
  blocks: Block[];
}

/** The fenced blocks of a piece of Markdown, in order. */
export function fences(markdown: string): Block[] {
  return [...markdown.matchAll(/^```([^\n`]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    info: (m[1] ?? '').trim(),
    body: m[2] ?? '',
  }));
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function stepsOf(lesson: string, source: string): StepText[] {
  const body = source.replace(/^---\n[\s\S]*?\n---\n/, '');
  return body
    .split(/^## Step:/m)
    .slice(1)
    .map((section) => {
      const blocks = fences(section);
      const meta = record(parseYaml(blocks.find((b) => b.info === 'step')?.body ?? '{}'));
      const concepts = Array.isArray(meta.concepts) ? meta.concepts.map(String) : [];
      return {
        lesson,
        title: (section.split('\n')[0] ?? '').trim(),
        id: typeof meta.id === 'string' ? meta.id : undefined,
        concepts,
        blocks,
      };
    });
}

/** The curriculum lessons (folders 00- to 89-; 9x are the format's samples), in order. */
export function curriculumLessons(): { folder: string; source: string }[] {
  return readdirSync(LESSONS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-8]\d-/.test(e.name))
    .filter((e) => existsSync(join(LESSONS_DIR, e.name, 'lesson.md')))
    .map((e) => ({
      folder: e.name,
      source: readFileSync(join(LESSONS_DIR, e.name, 'lesson.md'), 'utf8'),
    }))
    .sort((a, b) => a.folder.localeCompare(b.folder));
}

/** The checks of a step's ```checkpoint block, as plain objects. */
export function checksOf(step: StepText): Record<string, unknown>[] {
  const block = step.blocks.find((b) => b.info === 'checkpoint');
  if (block === undefined) return [];
  const parsed: unknown = parseYaml(block.body);
  return Array.isArray(parsed) ? parsed.map(record) : [];
}

/**
 * The curriculum is complete: every concept ID in ../shared/CURRICULUM.md is named by at least
 * one step of a lesson in lessons-content/, every "(quiz)" concept by a step with a quiz, and
 * every other concept by a step with a checkpoint (something the learner does, verified on the
 * real kernel). Lessons are read straight from their files (front matter and ```step blocks),
 * so this test does not depend on the lesson engine's internals.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/engine/repo.js';
import { CURRICULUM_CONCEPTS } from '../../src/lessons/concept-ids.js';
import { curriculumLessons, stepsOf as stepTexts } from './lesson-text.js';

const CURRICULUM = join(repoRoot, '..', 'shared', 'CURRICULUM.md');

interface Concept {
  id: string;
  quiz: boolean;
}

interface StepInfo {
  lesson: string;
  title: string;
  concepts: string[];
  hasQuiz: boolean;
  hasCheckpoint: boolean;
}

/** `- \`ns.pid\` text` lines; "(quiz)" right after the ID marks a knowledge concept. */
function parseCurriculum(markdown: string): Concept[] {
  return [...markdown.matchAll(/^\s*[-*]\s+`([a-z0-9][a-z0-9.-]*)`(.*)$/gm)].map((m) => ({
    id: m[1] as string,
    quiz: /^\s*\(quiz\)/.test(m[2] ?? ''),
  }));
}

/**
 * CURRICULUM.md itself where ../shared is checked out beside the repo; otherwise (a CI
 * checkout of the repo alone) the engine's copy, which test/lessons keeps equal to it.
 */
function loadCurriculum(): Concept[] {
  if (existsSync(CURRICULUM)) return parseCurriculum(readFileSync(CURRICULUM, 'utf8'));
  return CURRICULUM_CONCEPTS.map((c) => ({ ...c }));
}

function stepsOf(lesson: string, source: string): StepInfo[] {
  return stepTexts(lesson, source).map((s) => ({
    lesson: s.lesson,
    title: s.title,
    concepts: s.concepts,
    hasQuiz: s.blocks.some((b) => b.info === 'quiz'),
    hasCheckpoint: s.blocks.some((b) => b.info === 'checkpoint'),
  }));
}

const concepts = loadCurriculum();
const steps = curriculumLessons().flatMap((l) => stepsOf(l.folder, l.source));

describe('the parsers of this test', () => {
  it('read concept IDs and their (quiz) marks', () => {
    const md = '## 00\n- `a.b` one thing [000]\n- `c.d` (quiz) another [001]\nnot - `e.f`\n';
    expect(parseCurriculum(md)).toEqual([
      { id: 'a.b', quiz: false },
      { id: 'c.d', quiz: true },
    ]);
  });

  it('read the concepts, quizzes and checkpoints of each step', () => {
    const lesson = [
      '---',
      'id: x',
      'concepts: [a.b]',
      '---',
      'intro',
      '## Step: One',
      '```step',
      'concepts: [a.b, c.d]',
      '```',
      '```checkpoint',
      '- script: "true"',
      '```',
      '## Step: Two',
      '```quiz',
      'question: q',
      '```',
      '',
    ].join('\n');
    expect(stepsOf('00-x', lesson)).toEqual([
      {
        lesson: '00-x',
        title: 'One',
        concepts: ['a.b', 'c.d'],
        hasQuiz: false,
        hasCheckpoint: true,
      },
      { lesson: '00-x', title: 'Two', concepts: [], hasQuiz: true, hasCheckpoint: false },
    ]);
  });
});

describe('the curriculum', () => {
  const all = concepts ?? [];
  const known = new Set(all.map((c) => c.id));

  it('has lessons 00 to 11', () => {
    const folders = curriculumLessons().map((l) => l.folder.slice(0, 2));
    expect(folders).toEqual([
      '00',
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
      '10',
      '11',
    ]);
    expect(all.length).toBeGreaterThan(0);
  });

  it('names every concept ID in at least one step', () => {
    const named = new Set(steps.flatMap((s) => s.concepts));
    const missing = all.map((c) => c.id).filter((id) => !named.has(id));
    expect(missing).toEqual([]);
  });

  it('names no concept that is not in the curriculum', () => {
    const unknown = steps.flatMap((s) =>
      s.concepts.filter((id) => !known.has(id)).map((id) => `${s.lesson} "${s.title}": ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it('teaches every (quiz) concept in a step with a quiz', () => {
    const without = all
      .filter((c) => c.quiz)
      .filter((c) => !steps.some((s) => s.hasQuiz && s.concepts.includes(c.id)))
      .map((c) => c.id);
    expect(without).toEqual([]);
  });

  it('verifies every concept a learner can do with a checkpoint', () => {
    const without = all
      .filter((c) => !c.quiz)
      .filter((c) => !steps.some((s) => s.hasCheckpoint && s.concepts.includes(c.id)))
      .map((c) => c.id);
    expect(without).toEqual([]);
  });
});

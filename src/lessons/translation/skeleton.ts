/**
 * A translation to start from (`contlab translate LESSON --lang LANG`): every part a
 * translation holds, in the English order, still in English, with the English hashes
 * recorded. The translator replaces the words and keeps everything else.
 */
import { stringify } from 'yaml';
import type { Lesson } from '../format/model.js';
import { sourceText } from './source-text.js';

function yamlBlock(kind: string, value: unknown): string {
  return `\`\`\`${kind}\n${stringify(value, { lineWidth: 0 }).trimEnd()}\n\`\`\``;
}

function fenced(kind: string, text: string): string {
  return `\`\`\`${kind}\n${text.trimEnd()}\n\`\`\``;
}

/** The skeleton of a translation of `lesson` (parsed with both cgroup versions kept). */
export function translationSkeleton(lesson: Lesson): string {
  const en = sourceText(lesson);
  const parts: string[] = [
    `---\n${stringify({ source: en.hash, title: en.title, summary: en.summary }, { lineWidth: 0 }).trimEnd()}\n---`,
  ];
  if (en.intro !== '') parts.push(en.intro);
  for (const step of en.steps) {
    parts.push(`## Step: ${step.title}`);
    parts.push(yamlBlock('step', { id: step.id, source: step.hash }));
    if (step.prose !== '') parts.push(step.prose);
    if (step.explains.length > 0)
      parts.push(yamlBlock('explain', Object.fromEntries(step.explains)));
    for (const h of step.hints) parts.push(fenced('hint', h));
    for (const q of step.quizzes)
      parts.push(yamlBlock('quiz', { question: q.question, choices: q.choices }));
    for (const n of step.notes) parts.push(fenced('notes', n));
  }
  return parts.join('\n\n') + '\n';
}

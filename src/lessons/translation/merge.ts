/**
 * A lesson as a learner of another language reads it: the English lesson (resolved for the
 * host's cgroup version) with the translation's words put in its place. Nothing else
 * changes: the steps, commands, checks and answers stay the English ones. Whatever the
 * translation lacks (a step, a hint, an explanation) stays English, so a translation that is
 * behind the English still plays whole.
 */
import { resolveInline } from '../format/modes.js';
import type { CgroupVersion, Lesson, LessonLanguage, Step } from '../format/model.js';
import { checkKey, sourceText } from './source-text.js';
import { proseFor, type Translation, type TranslatedStep } from './parse-translation.js';

function sameLine(a: { pos: { line: number } }, b: { pos: { line: number } }): boolean {
  return a.pos.line === b.pos.line;
}

function mergeStep(
  step: Step,
  all: Step,
  tr: TranslatedStep,
  mode: CgroupVersion | undefined,
): Step {
  const inline = (text: string): string => resolveInline(text, mode);
  const prose = proseFor(tr.prose, mode);
  // Hints and quizzes left out for the other cgroup version: matched by place in the file.
  const hints = step.hints.map((h) => {
    const i = all.hints.findIndex((a) => sameLine(a, h));
    const text = tr.hints[i]?.text;
    return text === undefined ? h : { ...h, text: inline(text) };
  });
  const quizzes = step.quizzes.map((q) => {
    const i = all.quizzes.findIndex((a) => sameLine(a, q));
    const t = tr.quizzes[i];
    if (t === undefined || t.choices.length !== q.choices.length) return q;
    return {
      ...q,
      question: inline(t.question),
      choices: q.choices.map((c, j) => {
        const tc = t.choices[j];
        return tc === undefined ? c : { text: inline(tc.text), explain: inline(tc.explain) };
      }),
    };
  });
  const explains = new Map(tr.explains.map((e) => [e.key, e.text]));
  const checkpoint = step.checkpoint?.map((c) => {
    const i = (all.checkpoint ?? []).findIndex((a) => sameLine(a, c));
    const a = all.checkpoint?.[i];
    const text = a === undefined ? undefined : explains.get(checkKey(a, i));
    return text === undefined ? c : { ...c, explain: inline(text) };
  });
  return {
    ...step,
    title: tr.title || step.title,
    prose: prose === '' ? step.prose : resolveInline(prose, mode),
    hints,
    quizzes,
    notes: step.notes.map((n, i) => tr.notes[i]?.text ?? n),
    checkpoint,
  };
}

/**
 * `lesson` (resolved for `lesson.mode`) in the words of `translation`; `all` is the same
 * lesson parsed with both cgroup versions kept (the translation's blocks map onto it).
 */
export function mergeTranslation(
  lesson: Lesson,
  all: Lesson,
  translation: Translation,
  lang: string,
): Lesson {
  const mode = lesson.mode;
  const source = sourceText(all);
  const byId = new Map(translation.steps.map((s) => [s.id, s]));
  let stale = translation.source !== source.hash;
  const steps = lesson.steps.map((step) => {
    const tr = byId.get(step.id);
    const allStep = all.steps.find((s) => s.id === step.id);
    const src = source.steps.find((s) => s.id === step.id);
    if (tr === undefined || allStep === undefined) {
      stale = true;
      return step;
    }
    if (src !== undefined && tr.source !== src.hash) stale = true;
    return mergeStep(step, allStep, tr, mode);
  });
  const intro = proseFor(translation.intro, mode);
  const language: LessonLanguage = { wanted: lang, shown: lang, ...(stale ? { stale } : {}) };
  return {
    ...lesson,
    title: translation.title,
    summary: translation.summary,
    intro: intro === '' ? lesson.intro : resolveInline(intro, mode),
    steps,
    language,
  };
}

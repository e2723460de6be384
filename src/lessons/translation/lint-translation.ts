/**
 * `contlab lint` for a translation (lesson.LANG.md) against its English lesson. Errors are
 * drift, what only the translation can have got wrong: a step the English does not have or
 * in another order, a check name the English checkpoint lacks, hints, quiz choices or notes
 * that do not match the English ones in number, an answer that differs, inline code
 * (`commands`) or code blocks that are not the English ones. Warnings say the translation
 * is behind: a part whose English changed since it was translated (its `source:` hash is
 * not the English one's any more), an English step not translated, text still in English.
 * In a stale part, drift is a warning too: the English moved, not the translation.
 */
import { fromMarkdown } from 'mdast-util-from-markdown';
import { diagnostic, warning, type Diagnostic, type SourcePos } from '../format/diagnostic.js';
import type { Lesson } from '../format/model.js';
import { resolveInline } from '../format/modes.js';
import {
  parseTranslation,
  proseFor,
  type Located,
  type Translation,
  type TranslatedStep,
} from './parse-translation.js';
import { sourceText, type SourceStep, type SourceText } from './source-text.js';

/** Markdown resolved for one cgroup version: ```v1/```v2 passages and {{v1: | v2: }} text. */
export function resolveMarkdown(markdown: string, mode: 'v1' | 'v2'): string {
  const parts: string[] = [];
  for (const node of fromMarkdown(markdown).children) {
    const start = node.position?.start.offset ?? 0;
    const end = node.position?.end.offset ?? 0;
    if (node.type === 'code' && (node.lang === 'v1' || node.lang === 'v2')) {
      if (node.lang === mode) parts.push(node.value);
    } else parts.push(markdown.slice(start, end));
  }
  return resolveInline(parts.join('\n\n'), mode);
}

/** The inline code spans of Markdown (`like this`), outside fenced code blocks. */
export function codeSpans(markdown: string): Set<string> {
  const text = markdown.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '');
  const out = new Set<string>();
  for (const m of text.matchAll(/(`+)([^`](?:[\s\S]*?[^`])??)\1(?!`)/g))
    out.add((m[2] ?? '').replace(/\s+/g, ' ').trim());
  return out;
}

export interface TranslationLint {
  diagnostics: Diagnostic[];
  translation: Translation | undefined;
}

/**
 * Problems of translation `file` (shown as `shown`) of the English `lesson` (parsed with
 * both cgroup versions kept). `source` is the translation's text.
 */
export function lintTranslation(
  lesson: Lesson,
  file: string,
  shown: string,
  source: string,
): TranslationLint {
  const parsed = parseTranslation(file, source);
  const out: Diagnostic[] = parsed.diagnostics.map((d) => ({ ...d, file: shown }));
  const tr = parsed.translation;
  if (tr === undefined) return { diagnostics: out, translation: undefined };
  const en = sourceText(lesson);
  const lines = source.split('\n');
  const ctx = new Checker(shown, lines, out);

  // The title, the summary and the introduction.
  const headFresh = ctx.hash(
    tr.source,
    en.hash,
    tr.headPos.source,
    'the title, summary and introduction',
  );
  if (tr.title === en.title && tr.summary === en.summary)
    out.push(
      warning(
        shown,
        tr.headPos.title,
        'the title and summary are still the English ones: translate them',
      ),
    );
  ctx.spans(
    en.intro,
    proseFor(tr.intro, undefined),
    tr.headPos.title,
    headFresh,
    'the introduction',
  );

  // The steps: the English ones, in the English order.
  const enIds = en.steps.map((s) => s.id);
  const seen = new Map<string, TranslatedStep>();
  let last = -1;
  for (const step of tr.steps) {
    if (step.id === '') continue;
    const i = enIds.indexOf(step.id);
    if (i < 0) {
      out.push(
        diagnostic(
          shown,
          step.idPos,
          `step "${step.id}" is not in the English lesson (its steps: ${enIds.join(', ')})`,
        ),
      );
      continue;
    }
    if (seen.has(step.id)) {
      out.push(diagnostic(shown, step.idPos, `step "${step.id}" is translated twice`));
      continue;
    }
    seen.set(step.id, step);
    if (i < last)
      out.push(
        diagnostic(
          shown,
          step.idPos,
          `step "${step.id}" is out of order: keep the English order (${enIds.join(', ')})`,
        ),
      );
    last = Math.max(last, i);
    ctx.step(en.steps[i] as SourceStep, step);
  }
  for (const s of en.steps)
    if (!seen.has(s.id))
      out.push(
        warning(
          shown,
          { line: lastLine(lines), col: 1 },
          `step "${s.id}" (${s.title}) is not translated yet`,
        ),
      );
  return { diagnostics: out, translation: tr };
}

function lastLine(lines: readonly string[]): number {
  return Math.max(1, lines.length - (lines[lines.length - 1] === '' ? 1 : 0));
}

class Checker {
  constructor(
    private readonly file: string,
    private readonly lines: readonly string[],
    private readonly out: Diagnostic[],
  ) {}

  /** Drift: an error where the English is as it was translated, a warning where it moved. */
  private drift(fresh: boolean, pos: SourcePos, message: string): void {
    this.out.push(
      fresh
        ? diagnostic(this.file, pos, message)
        : warning(this.file, pos, `${message} (the English changed since: update the step)`),
    );
  }

  /** Checks a `source:` hash; true when it is the English one's (the part is up to date). */
  hash(written: string | undefined, now: string, pos: SourcePos, what: string): boolean {
    if (written === undefined) {
      this.out.push(
        diagnostic(
          this.file,
          pos,
          `no source hash for ${what}: write "source: ${now}" (the English text it translates)`,
        ),
      );
      return false;
    }
    if (written === now) return true;
    this.out.push(
      warning(
        this.file,
        pos,
        `stale: the English of ${what} changed since it was translated (source: ${written}, now ${now}); bring the translation up to date, then write "source: ${now}"`,
      ),
    );
    return false;
  }

  /** Where `text` occurs in the file from line `from` on (the first line of the part). */
  private find(text: string, from: SourcePos): SourcePos {
    for (let i = from.line - 1; i < this.lines.length; i++) {
      const col = (this.lines[i] ?? '').indexOf(text);
      if (col >= 0) return { line: i + 1, col: col + 1 };
    }
    return from;
  }

  /** The inline code of the English text is the inline code of the translation, per cgroup version. */
  spans(english: string, translated: string, pos: SourcePos, fresh: boolean, what: string): void {
    const want = {
      v1: codeSpans(resolveMarkdown(english, 'v1')),
      v2: codeSpans(resolveMarkdown(english, 'v2')),
    };
    const have = {
      v1: codeSpans(resolveMarkdown(translated, 'v1')),
      v2: codeSpans(resolveMarkdown(translated, 'v2')),
    };
    const extra = new Set([...have.v1].filter((c) => !want.v1.has(c)));
    for (const c of have.v2) if (!want.v2.has(c)) extra.add(c);
    for (const c of extra)
      this.drift(
        fresh,
        this.find(`\`${c}`, pos),
        `\`${c}\` in ${what} is not in the English text (inline code is copied as it is)`,
      );
    const lacks = (mode: 'v1' | 'v2'): string[] =>
      [...want[mode]].filter((c) => !have[mode].has(c));
    const v1 = lacks('v1');
    const v2 = lacks('v2');
    for (const c of new Set([...v1, ...v2])) {
      const only =
        v1.includes(c) && v2.includes(c) ? '' : ` (on cgroup ${v1.includes(c) ? 'v1' : 'v2'})`;
      this.drift(fresh, pos, `${what} lacks \`${c}\`, which the English text has${only}`);
    }
  }

  step(en: SourceStep, tr: TranslatedStep): void {
    const fresh = this.hash(tr.source, en.hash, tr.sourcePos, `step "${en.id}"`);
    const what = `step "${en.id}"`;
    const prose = proseFor(tr.prose, undefined);
    if (prose === '' && en.prose !== '')
      this.drift(fresh, tr.pos, `${what} has no text: translate the English step's text`);
    else if (prose.replace(/\s+/g, ' ') === en.prose.replace(/\s+/g, ' ') && en.prose !== '')
      this.out.push(
        warning(this.file, tr.pos, `${what}: the text is still the English one: translate it`),
      );
    this.spans(en.prose, prose, tr.pos, fresh, `the text of ${what}`);

    // Code blocks shown as they are: the English ones, unchanged.
    tr.display.forEach((d, i) => {
      const want = en.display[i];
      if (want === undefined)
        this.drift(
          fresh,
          d.pos,
          `${what} has ${en.display.length} code block(s) in its English text; this one is extra`,
        );
      else if (want !== d.text)
        this.drift(
          fresh,
          d.pos,
          `this code block differs from the English one (code blocks are copied unchanged)`,
        );
    });
    if (tr.display.length < en.display.length)
      this.drift(
        fresh,
        tr.pos,
        `${what} lacks code blocks of the English text: copy them unchanged`,
      );

    this.count(fresh, tr, en.hints.length, tr.hints, 'hint', what);
    tr.hints.forEach((h, i) => {
      const e = en.hints[i];
      if (e !== undefined) this.spans(e, h.text, h.pos, fresh, `hint ${i + 1}`);
    });
    this.count(fresh, tr, en.notes.length, tr.notes, 'notes', what);
    this.count(fresh, tr, en.quizzes.length, tr.quizzes, 'quiz', what);
    tr.quizzes.forEach((q, i) => {
      const e = en.quizzes[i];
      if (e === undefined) return;
      if (q.choices.length !== e.choices.length)
        this.drift(
          fresh,
          q.pos,
          `the quiz has ${q.choices.length} choices; the English one ${e.choices.length} (same choices, same order)`,
        );
      if (q.answer !== undefined && q.answer !== e.answer)
        this.drift(
          fresh,
          this.find('answer:', q.pos),
          `answer: ${q.answer}, but the English quiz's answer is ${e.answer} (the answer is the English one's: keep the choices in its order)`,
        );
      this.spans(e.question, q.question, q.pos, fresh, 'the quiz question');
      q.choices.forEach((c, j) => {
        const ec = e.choices[j];
        if (ec === undefined) return;
        this.spans(ec.text, c.text, q.pos, fresh, `quiz choice ${j + 1}`);
        this.spans(ec.explain, c.explain, q.pos, fresh, `the explanation of quiz choice ${j + 1}`);
      });
    });

    // Check explanations, by the English check names.
    const keys = en.explains.map(([k]) => k);
    for (const e of tr.explains)
      if (!keys.includes(e.key))
        this.drift(
          fresh,
          e.pos,
          `no check "${e.key}" in the English checkpoint of ${what}` +
            (keys.length > 0 ? ` (its checks: ${keys.join(', ')})` : ' (it has none to explain)'),
        );
    const have = new Set(tr.explains.map((e) => e.key));
    const missing = keys.filter((k) => !have.has(k));
    if (missing.length > 0)
      this.drift(
        fresh,
        tr.explains[0]?.pos ?? tr.pos,
        `${what}: explain ${missing.map((k) => `"${k}"`).join(', ')} in an \`\`\`explain block (check name: translated explanation)`,
      );
  }

  private count(
    fresh: boolean,
    tr: TranslatedStep,
    want: number,
    have: readonly { pos: SourcePos }[],
    kind: string,
    what: string,
  ): void {
    if (have.length === want) return;
    const pos = have[want]?.pos ?? have[have.length - 1]?.pos ?? tr.pos;
    this.drift(
      fresh,
      pos,
      `${what} has ${have.length} \`\`\`${kind} block(s); the English step has ${want} (one each, in the English order)`,
    );
  }
}

export type { Located, SourceText };

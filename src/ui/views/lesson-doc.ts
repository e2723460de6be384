/**
 * The lesson side of the player as lines of text for one width: the step's text (Markdown),
 * the numbered commands to type, the quiz, and what the learner asked for (the checkpoint's
 * details, hints, the solution). The pane scrolls through these; `anchors` say where each
 * part starts, so the pane can bring a new hint or result into view. `statusLines` is the
 * checkpoint line pinned under them.
 */
import { t } from '../../i18n/messages.js';
import { expectedText, sawText } from '../../lessons/checks/describe.js';
import { renderMarkdown, codeLines } from '../markdown/render.js';
import type { PlayerState } from '../state/player-store.js';
import { seg, type Line, type Segment } from '../text/styled.js';
import { wrap } from '../text/wrap.js';

export interface LessonKeys {
  check: string;
  next: string;
  hint: string;
  /** Runs command N: the label with `N` in it (`Ctrl-T N`). */
  run: string;
  answer: string;
}

export type Anchor = 'commands' | 'quiz' | 'result' | 'hint' | 'solution' | 'message';

export interface LessonDoc {
  lines: Line[];
  anchors: Partial<Record<Anchor, number>>;
}

/** The numbered commands: `1 ls -l …`, wrapped under themselves, never cut. */
export function commandLines(commands: readonly string[], width: number): Line[] {
  const numberWidth = String(commands.length).length + 1;
  return commands.flatMap((c, i) =>
    codeLines(c, width, {
      first: [seg(`${String(i + 1).padStart(numberWidth - 1)} `, { bold: true, color: 'accent' })],
      rest: [seg(' '.repeat(numberWidth + 2))],
      indent: numberWidth,
    }),
  );
}

function resultLines(state: PlayerState, width: number): Line[] {
  const result = state.result;
  if (result === undefined || !state.detailed) return [];
  if (state.passed)
    return result.results.flatMap((r) => wrap([seg(`✓ ${sawText(r)}`, { color: 'muted' })], width));
  const lines: Line[] = wrap([seg(t('lesson.notPassed'), { bold: true, color: 'fail' })], width);
  for (const r of result.results) {
    const name = r.check.name ?? r.check.kind;
    lines.push(
      ...wrap([seg(`${r.ok ? '✓' : '✗'} ${name}`, { color: r.ok ? 'ok' : 'fail' })], width),
    );
    if (r.ok) continue;
    const indent = [seg('    ')];
    lines.push(
      ...wrap([seg(t('lesson.saw', { text: sawText(r) }))], width, {
        first: [seg('  ')],
        rest: indent,
      }),
    );
    lines.push(
      ...wrap([seg(t('lesson.expected', { text: expectedText(r) }))], width, {
        first: [seg('  ')],
        rest: indent,
      }),
    );
    if (r.check.explain !== undefined)
      lines.push(
        ...wrap([seg(`→ ${r.check.explain}`, { color: 'accent' })], width, {
          first: [seg('  ')],
          rest: indent,
        }),
      );
  }
  return lines;
}

function quizLines(state: PlayerState, width: number, keys: LessonKeys, mono: boolean): Line[] {
  const quiz = state.step?.quizzes[0];
  if (quiz === undefined) return [];
  const lines: Line[] = renderMarkdown(`**${t('lesson.quiz')}** ${quiz.question}`, width, { mono });
  quiz.choices.forEach((c, i) => {
    const chosen = state.quiz?.choice === i;
    const colour = state.quiz?.outcome.correct ? 'ok' : 'fail';
    const letter = String.fromCharCode(65 + i);
    lines.push(
      ...wrap([seg(c.text, chosen ? { bold: true, color: colour } : undefined)], width, {
        first: [seg(`  ${letter}) `, { bold: true, color: chosen ? colour : 'accent' })],
        rest: [seg('     ')],
      }),
    );
  });
  if (state.quiz === undefined)
    lines.push(
      ...wrap([seg(t('lesson.answerWith', { keys: keys.answer }), { color: 'muted' })], width),
    );
  else {
    const { correct, explain } = state.quiz.outcome;
    lines.push(
      ...wrap(
        [seg(`${correct ? '✓' : '✗'} ${explain}`, { color: correct ? 'ok' : 'fail' })],
        width,
      ),
    );
  }
  return lines;
}

/**
 * The step's text for a pane `width` cells wide. The pane's header shows the step's title;
 * the text repeats it in full only when the header had to cut it (`titleCut`).
 */
export function lessonDocument(
  state: PlayerState,
  width: number,
  keys: LessonKeys,
  options: { mono?: boolean; titleCut?: boolean; note?: string } = {},
): LessonDoc {
  const mono = options.mono ?? false;
  const step = state.step;
  const lines: Line[] = [];
  const anchors: LessonDoc['anchors'] = {};
  if (step === undefined) return { lines, anchors };
  const section = (anchor: Anchor | undefined, part: Line[]): void => {
    if (part.length === 0) return;
    if (lines.length > 0) lines.push([]);
    if (anchor !== undefined) anchors[anchor] = lines.length;
    lines.push(...part);
  };
  if (options.note !== undefined)
    section(undefined, wrap([seg(options.note, { color: 'muted', italic: true })], width));
  if (options.titleCut === true)
    section(undefined, wrap([seg(`${step.number}. ${step.title}`, { bold: true })], width));
  section(undefined, renderMarkdown(step.prose, width, { mono }));
  if (state.commands.length > 0) {
    const n = state.commands.length;
    const runs =
      n === 1 ? keys.run.replace('N', '1') : keys.run.replace('N', `1…${Math.min(9, n)}`);
    const head: Segment[] = [
      seg(t('lesson.typeInShell'), { color: 'muted' }),
      seg(t('lesson.runsOne', { keys: runs }), { color: 'muted' }),
    ];
    section('commands', [...wrap(head, width), ...commandLines(state.commands, width)]);
  }
  section('quiz', quizLines(state, width, keys, mono));
  if (state.solution !== undefined)
    section('solution', [
      [seg(t('lesson.solution'), { bold: true, color: 'accent' })],
      ...state.solution.flatMap((c) => codeLines(c.text, width)),
    ]);
  section('result', resultLines(state, width));
  if (state.hint !== undefined)
    section('hint', [
      [seg(t('lesson.hint', { n: state.hintNumber }), { bold: true, color: 'warn' })],
      ...renderMarkdown(state.hint.text, width, { mono }),
    ]);
  if (state.message !== undefined)
    section('message', wrap([seg(state.message, { color: 'warn' })], width));
  return { lines, anchors };
}

/** The checkpoint's state in a line or two, under the scrolling text. */
export function statusLines(state: PlayerState, width: number, keys: LessonKeys): Line[] {
  const step = state.step;
  const last = step !== undefined && step.number >= state.marks.length;
  const next = last ? t('lesson.complete') : t('lesson.nextStep', { key: keys.next });
  let text: Segment[];
  if (step === undefined || state.entering) text = [seg(t('lesson.preparing'), { color: 'muted' })];
  else if (step.checkpoint === undefined)
    text =
      step.quizzes.length > 0 && state.quiz?.outcome.correct !== true
        ? [seg(t('lesson.answerQuiz', { keys: keys.answer }), { color: 'muted' })]
        : [seg(t('lesson.nothingToCheck', { next }), { color: 'muted' })];
  else if (state.checking) text = [seg(t('lesson.checking'), { color: 'accent' })];
  else if (state.passed) text = [seg(t('lesson.passed', { next }), { bold: true, color: 'ok' })];
  else if (state.detailed && state.result !== undefined) {
    const failing = state.result.results.filter((r) => !r.ok).length;
    text = [
      seg(t('lesson.failing', { failing, total: state.result.results.length }), {
        color: 'fail',
      }),
      seg(t('lesson.forHint', { key: keys.hint }), { color: 'muted' }),
    ];
  } else text = [seg(t('lesson.notPassedYet', { key: keys.check }), { color: 'muted' })];
  return wrap(text, width);
}

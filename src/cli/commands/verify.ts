/**
 * `contlab verify LESSON [--step N] [--auto | --alone] [--all] [--json]`.
 * With --auto it plays the lesson in a lab of its own (setup, demo commands typed into a
 * real shell in a pty, checkpoint) and proves every checkpoint fails before its step,
 * rejects the step's wrong attempts, and passes after. With --alone it opens every step on
 * its own and proves the host is left unchanged. Without either, it checks the state of the
 * learner's running lab.
 */
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { ensureLabDirs } from '../../engine/paths.js';
import type {
  AloneReport,
  AloneStepReport,
  CheckpointResult,
  Lesson,
  Step,
  StepReport,
  VerifyReport,
  WrongReport,
} from '../../lessons/index.js';
import { t } from '../../i18n/messages.js';
import { chalk, marks, printJson } from '../output.js';
import { sweepAtStart } from '../startup-sweep.js';

/**
 * --json leaves out the phrases a check result carries for the screen (`said`): the English
 * `saw` and `expected` beside them say the same, and the output stays what it was.
 */
const withoutPhrases = (key: string, value: unknown): unknown =>
  key === 'said' ? undefined : value;

/** The lessons API, loaded when the command runs (other commands start without it). */
type Api = typeof import('../../lessons/index.js');

interface VerifyOptions {
  step?: string;
  auto?: boolean;
  alone?: boolean;
  all?: boolean;
  json?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify [lesson]')
    .description(t('cmd.verify'))
    .option('--step <n>', t('opt.verify.step'))
    .option('--auto', t('opt.verify.auto'))
    .option('--alone', t('opt.verify.alone'))
    .option('--all', t('opt.verify.all'))
    .option('--json', t('opt.verify.json'))
    .action(async (ref: string | undefined, opts: VerifyOptions) => {
      const api = await import('../../lessons/index.js');
      const lessons = chooseLessons(api, ref, opts);
      const step = opts.step === undefined ? undefined : stepNumber(opts.step, lessons);
      ensureLabDirs();
      if (opts.auto && opts.alone)
        throw new LabError(t('verify.err.autoOrAlone'), {
          remedy: t('verify.err.autoOrAlone.remedy', {
            auto: 'contlab verify --all --auto',
            alone: 'contlab verify --all --alone',
          }),
        });
      await sweepAtStart();
      if (opts.auto || opts.alone) {
        const { cleanup } = await import('../../engine/cleanup.js');
        // Ctrl-C in the middle of a run: this process's lab counts as dead to cleanup() (its
        // owner is us), so everything the run created is removed before we exit.
        for (const signal of ['SIGINT', 'SIGTERM'] as const)
          process.once(signal, () => void cleanup().finally(() => process.exit(130)));
        if (opts.alone) await alone(api, lessons, step, opts.json === true);
        else await auto(api, lessons, step, opts.json === true);
      } else await current(api, lessons[0] as Lesson, step, opts.json === true);
    });
}

function chooseLessons(api: Api, ref: string | undefined, opts: VerifyOptions): Lesson[] {
  const { lessonFiles, loadLesson, loadLessonFile } = api;
  if (opts.all) {
    if (ref !== undefined)
      throw new LabError(t('verify.err.lessonOrAll'), { remedy: 'contlab verify --all --auto' });
    if (!opts.auto && !opts.alone)
      throw new LabError(t('verify.err.allNeedsMode'), { remedy: 'contlab verify --all --auto' });
    if (opts.step !== undefined) throw new LabError(t('verify.err.stepWithAll'));
    return lessonFiles().map((f) => loadLessonFile(f));
  }
  if (ref === undefined)
    throw new LabError(t('verify.err.whichLesson'), {
      remedy: t('verify.err.whichLesson.remedy', {
        one: 'contlab verify LESSON [--auto]',
        all: 'contlab verify --all --auto',
      }),
    });
  return [loadLesson(ref)];
}

function stepNumber(text: string, lessons: Lesson[]): number {
  const n = Number(text);
  const total = lessons[0]?.steps.length ?? 0;
  if (!Number.isInteger(n) || n < 1 || n > total)
    throw new LabError(t('verify.err.stepNumber', { text, total: String(total) }));
  return n;
}

async function auto(
  api: Api,
  lessons: Lesson[],
  step: number | undefined,
  json: boolean,
): Promise<void> {
  const { verifyAuto } = api;
  const reports: VerifyReport[] = [];
  for (const lesson of lessons) {
    if (!json) process.stdout.write(`${chalk.bold(lesson.id)}: ${lesson.title}\n`);
    const report = await verifyAuto(lesson, {
      ...(step === undefined ? {} : { step }),
      onStep: (r) => {
        if (!json) process.stdout.write(stepText(api, r));
      },
    });
    reports.push(report);
    if (!json) process.stdout.write(summaryText(report));
  }
  if (json) printJson(reports.length === 1 ? reports[0] : reports, withoutPhrases);
  process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
}

async function alone(
  api: Api,
  lessons: Lesson[],
  step: number | undefined,
  json: boolean,
): Promise<void> {
  const { verifyAlone } = api;
  const reports: AloneReport[] = [];
  for (const lesson of lessons) {
    if (!json)
      process.stdout.write(
        `${t('verify.aloneHead', { id: chalk.bold(lesson.id), title: lesson.title })}\n`,
      );
    const report = await verifyAlone(lesson, {
      ...(step === undefined ? {} : { step }),
      onStep: (r) => {
        if (!json) process.stdout.write(aloneText(r));
      },
    });
    reports.push(report);
    if (!json) {
      for (const u of report.unmet)
        process.stdout.write(`  ${marks.fail} ${t('verify.cannotRun', { what: u })}\n`);
      const mark = report.ok ? marks.ok : marks.fail;
      const summary = t('verify.aloneSummary', {
        lesson: report.lesson,
        passed: report.steps.filter((s) => s.ok).length,
        total: report.steps.length,
        secs: seconds(report.ms),
      });
      process.stdout.write(`${mark} ${summary}\n`);
    }
  }
  if (json) printJson(reports.length === 1 ? reports[0] : reports, withoutPhrases);
  process.exitCode = reports.every((r) => r.ok) ? 0 : 1;
}

/** `1.5 s` */
function seconds(ms: number): string {
  return t('verify.seconds', { s: (ms / 1000).toFixed(1) });
}

/** `step 2 Title: text (1.5 s)` */
function stepLine(r: { number: number; title: string; ms: number }, text: string): string {
  return t('verify.stepLine', { n: String(r.number), title: r.title, text, secs: seconds(r.ms) });
}

function aloneText(r: AloneStepReport): string {
  const how =
    r.refused === undefined
      ? t('verify.hostUnchanged')
      : t('verify.setupRefused', { why: r.refused });
  if (r.ok) return `  ${marks.ok} ${stepLine(r, how)}\n`;
  let out = `  ${marks.fail} ${stepLine(r, r.problem ?? t('verify.changedHost'))}\n`;
  for (const c of r.changes) out += `      ${t('verify.whileOpen', { change: c })}\n`;
  for (const c of r.leftovers) out += `      ${t('verify.afterClosing', { change: c })}\n`;
  return out;
}

function stepText(api: Api, r: StepReport): string {
  const wrong = r.wrong ?? [];
  if (r.ok) {
    const proof =
      r.after === undefined ? t('verify.quizStep') : t('verify.proof', { count: wrong.length });
    return `  ${marks.ok} ${stepLine(r, proof)}\n${wrongLines(api, wrong)}`;
  }
  let out = `  ${marks.fail} ${stepLine(r, r.problem ?? t('verify.failed'))}\n`;
  out += wrongLines(api, wrong);
  const accepted = wrong.find((w) => !w.rejected);
  const shown = accepted?.result ?? r.after ?? r.before;
  if (shown !== undefined) out += resultLines(api, shown, '      ');
  if (r.transcript !== undefined)
    out += `      ${t('verify.shellLines')}\n${r.transcript.replace(/^/gm, '      | ')}\n`;
  return out;
}

/** Each wrong attempt, and what the learner who made it would read. */
function wrongLines(api: Api, wrong: readonly WrongReport[]): string {
  return wrong
    .map((w) => {
      if (!w.rejected)
        return `      ${marks.fail} ${t('verify.accepts', { title: w.title, line: String(w.line) })}\n`;
      const failing = (w.result?.results ?? []).filter((x) => !x.ok);
      const said = failing
        .map((x) => x.check.explain ?? t('verify.expected', { expected: api.expectedText(x) }))
        .join('; ');
      return `      ${marks.ok} ${t('verify.rejects', { title: w.title, said })}\n`;
    })
    .join('');
}

function summaryText(r: VerifyReport): string {
  let out = '';
  for (const u of r.unmet) out += `  ${marks.fail} ${t('verify.cannotRun', { what: u })}\n`;
  if (r.problem !== undefined) out += `  ${marks.fail} ${r.problem}\n`;
  for (const e of r.cleanupErrors)
    out += `  ${marks.fail} ${t('verify.couldNotRemove', { what: e })}\n`;
  const mark = r.ok ? marks.ok : marks.fail;
  const where = r.host.cgroup === 'hybrid' ? t('verify.hybrid') : `cgroup ${r.host.cgroup}`;
  const summary = t('verify.summary', {
    lesson: r.lesson,
    passed: r.steps.filter((s) => s.ok).length,
    total: r.steps.length,
    where,
    secs: seconds(r.ms),
  });
  return `${out}${mark} ${summary}\n`;
}

function resultLines(api: Api, result: CheckpointResult, indent: string): string {
  return result.results.map((x) => `${indent}${api.describeResult(x, marks)}\n`).join('');
}

/** Checks the learner's running lab of `lesson` (the open step, or --step). */
async function current(
  api: Api,
  lesson: Lesson,
  number: number | undefined,
  json: boolean,
): Promise<void> {
  const { liveLabs, ProgressStore, markCheckpointPassed, resumeStep, evaluateCheckpoint } = api;
  const labs = liveLabs(lesson.id);
  const lab = labs[0];
  if (lab === undefined)
    throw new LabError(t('verify.err.noLab', { lesson: lesson.id }), {
      remedy: t('verify.err.noLab.remedy', {
        start: `contlab start ${lesson.id}`,
        auto: `contlab verify ${lesson.id} --auto`,
      }),
    });
  const store = new ProgressStore();
  const loaded = store.load();
  if (loaded.recovered !== undefined) process.stderr.write(`${marks.warn} ${loaded.recovered}\n`);
  const step: Step =
    number === undefined ? resumeStep(loaded.progress, lesson) : (lesson.steps[number - 1] as Step);
  if (step.checkpoint === undefined)
    throw new LabError(t('verify.err.noCheckpoint', { n: String(step.number), title: step.title }));
  const result = await evaluateCheckpoint(step.checkpoint, lab.context);
  if (result.ok) store.update((p) => markCheckpointPassed(p, lesson.id, step.id));
  if (json)
    printJson({ lesson: lesson.id, step: step.number, id: step.id, ...result }, withoutPhrases);
  else {
    const head = t('verify.currentHead', {
      lesson: lesson.id,
      n: String(step.number),
      title: step.title,
      session: lab.sessionId,
    });
    process.stdout.write(`${head}\n`);
    process.stdout.write(resultLines(api, result, '  '));
    process.stdout.write(
      result.ok ? `${marks.ok} ${t('verify.passes')}\n` : `${marks.fail} ${t('verify.fails')}\n`,
    );
  }
  process.exitCode = result.ok ? 0 : 1;
}

/**
 * `contlab translate LESSON... --lang LANG`: starts a translation, lesson.LANG.md beside
 * the lesson, from a skeleton holding every part to translate (still in English) with the
 * English hashes; `--stamp` records the English hashes in an existing translation once it
 * is up to date. See lessons-content/README.md, "Translating a lesson".
 */
import { phrase } from '../../i18n/phrase.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { LabError } from '../../engine/errors.js';
import { marks } from '../output.js';
import { t } from '../../i18n/messages.js';

const shown = (abs: string): string => {
  const rel = relative(process.cwd(), abs);
  return rel.startsWith('..') ? abs : rel;
};

export function registerTranslate(program: Command): void {
  program
    .command('translate [lessons...]')
    .description(t('cmd.translate'))
    .option('--all', t('opt.translate.all'))
    .option('--stamp', t('opt.translate.stamp'))
    .action(async (refs: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<{ all?: boolean; stamp?: boolean; lang?: string }>();
      const { languageOfLocale } = await import('../../i18n/locale.js');
      const lang = opts.lang === undefined ? undefined : languageOfLocale(opts.lang);
      if (lang === undefined || lang === 'en')
        throw new LabError(phrase('error.translate.noLang'), {
          remedy: phrase('error.translate.noLang.remedy', {
            flag: '--lang',
            example: 'contlab translate cgroups --lang zh',
          }),
        });
      const { findLessonFile, lessonFiles } = await import('../../lessons/index.js');
      if (refs.length === 0 && opts.all !== true)
        throw new LabError(phrase('error.translate.which'), {
          remedy: phrase('error.translate.which.remedy', {
            example: 'contlab translate cgroups --lang zh',
            flag: '--all',
          }),
        });
      const files = opts.all === true ? lessonFiles() : refs.map((r) => findLessonFile(r));
      for (const file of files) await translateOne(file, lang, opts.stamp === true);
    });
}

/**
 * Starts (or with `stamp`, stamps) the `lang` translation of the lesson in `file`, and says
 * what it did in a line of the language contlab speaks: the translator's, or English for a
 * language that has no catalogue yet.
 */
async function translateOne(file: string, lang: string, stamp: boolean): Promise<void> {
  const { parseLesson } = await import('../../lessons/format/parse-lesson.js');
  const { translationFile } = await import('../../lessons/translation/files.js');
  const parsed = parseLesson(file, readFileSync(file, 'utf8'));
  if (parsed.lesson === undefined)
    throw new LabError(phrase('error.translate.problems', { file: shown(file) }), {
      remedy: phrase('error.lessonProblems.remedy', { file: shown(file) }),
    });
  const target = translationFile(file, lang);
  if (stamp) {
    if (!existsSync(target)) {
      process.stdout.write(
        `${marks.warn} ${t('translate.nothingToStamp', { file: shown(target) })}\n`,
      );
      return;
    }
    const { stampTranslation } = await import('../../lessons/translation/stamp.js');
    const stamped = stampTranslation(parsed.lesson, target, readFileSync(target, 'utf8'));
    if (stamped === undefined)
      throw new LabError(phrase('error.translate.unreadable', { file: shown(target) }), {
        remedy: phrase('error.lessonProblems.remedy', { file: shown(file) }),
      });
    writeFileSync(target, stamped);
    process.stdout.write(`${marks.ok} ${t('translate.stamped', { file: shown(target) })}\n`);
  } else if (existsSync(target)) {
    process.stdout.write(`${marks.warn} ${t('translate.exists', { file: shown(target) })}\n`);
  } else {
    const { translationSkeleton } = await import('../../lessons/translation/skeleton.js');
    writeFileSync(target, translationSkeleton(parsed.lesson));
    process.stdout.write(`${marks.ok} ${t('translate.started', { file: shown(target) })}\n`);
  }
}

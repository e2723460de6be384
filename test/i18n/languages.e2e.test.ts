/**
 * contlab in Russian, Indonesian and Chinese, end to end: the real bin/contlab in a pty at
 * 80x24, read through a headless xterm. Per language: the home screen speaks it (words from
 * its catalogue), then lesson 00-process opens in the player in it — its own words where
 * the lesson is translated (Russian), English words under the translated UI and a note
 * saying so where it is not yet. No frame is wider than 80 columns (East Asian width) or
 * taller than 24 rows, and quitting leaves nothing of the lab. LANG=ru_RU.UTF-8 picks
 * Russian; `--lang xx` is one clear error. The timeline panel (empty, then the entry of a
 * command typed into the lab shell) speaks the language too. Build first (npm run build:ts).
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';
import { repoRoot } from '../../src/engine/repo.js';
import { hostCgroupVersion } from '../../src/lessons/format/modes.js';
import { loadLessonFile } from '../../src/lessons/load.js';
import { contlab, hasStackTrace } from '../helpers/cli.js';
import { makeTempLab } from '../helpers/lab-env.js';
import { terminalRestored, type UiRun } from '../ui/harness.js';
import {
  columns,
  endAll,
  liveOf,
  processesUnder,
  sessionCgroups,
  startContlab,
} from '../ui/lab-check.js';
import { playerLayout } from '../../src/ui/app/layout.js';
import { ensureBuilt } from '../lessons/helpers/build.js';
import { copySamples } from '../lessons/helpers/samples.js';

ensureBuilt();
const lab = makeTempLab();
afterEach(endAll);
afterAll(() => lab.remove());

const COLS = 80;
const ROWS = 24;
/** The locale variables cleared: only what a test gives counts. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  CONTLAB_HOME: lab.home,
  CONTLAB_RUN: lab.run,
  LC_ALL: '',
  LC_MESSAGES: '',
  LANG: 'C.UTF-8',
  ...extra,
});

const LESSON = join(repoRoot, 'lessons-content', '00-process', 'lesson.md');

function catalogue(lang: string): Record<string, string> {
  return JSON.parse(readFileSync(join(repoRoot, 'locales', `${lang}.json`), 'utf8')) as Record<
    string,
    string
  >;
}

/** Message `id` of `lang` with `values` put in (the messages used here are simple). */
function say(lang: string, id: string, values: Record<string, string | number> = {}): string {
  const text = catalogue(lang)[id];
  if (text === undefined) throw new Error(`${lang} has no message ${id}`);
  return text.replace(/\{(\w+)\}/g, (all, name: string) =>
    name in values ? String(values[name]) : all,
  );
}

/** `text` without its spaces and line breaks (wrapped text compares with the message). */
const squeezed = (text: string): string => text.replace(/[\s│]+/g, '');

/** The longest start of `text` at most `cells` columns wide. */
function head(text: string, cells: number): string {
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > cells) break;
    out += ch;
  }
  return out;
}

/** The frames the app wrote (each inside a synchronized update), escapes taken out. */
function framesOf(raw: string): string[][] {
  const frames = raw.split('\x1b[?2026h').slice(1);
  return frames.map((f) => {
    const text = stripVTControlCharacters(f.split('\x1b[?2026l')[0] ?? '');
    const lines = text.split(/\r?\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  });
}

/**
 * What is wrong with the frames so far: as the terminal saw them (a row continued from a
 * wrapped one: something was wider than the screen; a scroll: something was taller), and
 * as the app wrote them (each line measured in columns, wide characters counting two).
 */
function frameProblems(ui: UiRun): string[] {
  const problems: string[] = [];
  const b = ui.term.buffer.active;
  for (let y = 0; y < ROWS; y++)
    if (b.getLine(b.viewportY + y)?.isWrapped === true)
      problems.push(`row ${y + 1} on the screen continues a row wider than ${COLS} columns`);
  if (ui.scrolls() > 0) problems.push(`the screen scrolled ${ui.scrolls()} times`);
  framesOf(ui.raw()).forEach((lines, i) => {
    if (lines.length > ROWS) problems.push(`frame ${i + 1} has ${lines.length} rows`);
    for (const line of lines)
      if (stringWidth(line) > COLS)
        problems.push(`frame ${i + 1}: a line ${stringWidth(line)} columns wide: ${line}`);
  });
  return problems;
}

async function quitAndCheck(ui: UiRun, keys: string): Promise<void> {
  const lab = await processesUnder(ui.pid);
  ui.press(keys);
  expect((await ui.exited()).exitCode).toBe(0);
  expect(terminalRestored(ui.raw()).ok).toBe(true);
  expect(liveOf(lab)).toEqual([]);
  expect(sessionCgroups(ui.pid)).toEqual([]);
}

describe.each(['ru', 'id', 'zh'])('contlab --lang %s at 80x24', (lang) => {
  const en = loadLessonFile(LESSON, hostCgroupVersion(), 'en');
  const lesson = loadLessonFile(LESSON, hostCgroupVersion(), lang);
  const translated = existsSync(
    join(repoRoot, 'lessons-content', '00-process', `lesson.${lang}.md`),
  );

  test('home and lesson 00-process in the player: its words, within the screen', async () => {
    const ui = startContlab(['--lang', lang], { env: env(), cols: COLS, rows: ROWS });
    // The home screen: its footer and tagline in the language, the lesson under its title.
    const footer = `Enter ${say(lang, 'footer.start')}`;
    const home = await ui.waitForText(footer, 20_000);
    expect(home).toContain(say(lang, 'footer.quit'));
    expect(home).toContain(say(lang, 'app.tagline'));
    expect(home).toMatch(new RegExp(`› ${head(lesson.title, 20)}`));
    if (!translated) expect(home).toContain(say(lang, 'home.inEnglish'));
    expect(frameProblems(ui)).toEqual([]);

    ui.press('enter');
    const status = say(lang, 'player.stepStatus', { current: 1, total: en.steps.length });
    const player = await ui.waitForText(status, 30_000);
    expect(player).toContain(say(lang, 'player.labShell'));
    // The lesson pane's header: step 1's title, cut to the pane.
    const step = lesson.steps[0];
    if (step === undefined) throw new Error('00-process has no steps');
    expect(player).toContain(`1. ${head(step.title, 18)}`);
    if (lang === 'ru') {
      // Russian lesson words, not the English ones, and up to date: no note.
      expect(player).not.toContain(head(say(lang, 'player.translationStale'), 16));
      expect(step.title).not.toBe(en.steps[0]?.title);
      expect(step.title).toMatch(/[а-яё]/i);
    } else if (!translated) {
      // Not translated yet: English under the translated UI, and a note saying so.
      expect(step.title).toBe(en.steps[0]?.title);
      const note = say(lang, 'player.inEnglish', { language: say(lang, `language.${lang}`) });
      const pane = columns(player, 0, playerLayout(COLS, ROWS, false).left.width);
      expect(squeezed(pane)).toContain(squeezed(note));
    }
    expect(frameProblems(ui)).toEqual([]);

    // The live kernel panels in place of the lesson (80x24 has no room for both): the
    // cgroup panel, third of the strip, in the language too.
    ui.press('\x14l');
    await ui.waitForText(say(lang, 'panels.liveKernel'));
    ui.press('\x14]');
    // The namespaces panel: the lab has made none yet (the strip's marker shows no colour here).
    await ui.waitForText(head(say(lang, 'panels.noNamespaces'), 12));
    ui.press('\x14]');
    await ui.waitForText(say(lang, 'panels.oomKills', { count: 0 }));
    expect(frameProblems(ui)).toEqual([]);
    // The timeline panel, last of the strip: empty, then a command's entry in the language.
    ui.press('\x14]');
    await ui.waitForText(head(say(lang, 'panels.capsCount').split('{')[0] ?? '', 12));
    ui.press('\x14]');
    await ui.waitForText(head(say(lang, 'panels.noMountNs'), 12));
    ui.press('\x14]');
    await ui.waitForText(head(say(lang, 'timeline.empty'), 12));
    ui.press('true\r');
    await ui.waitForText(`$ true (${say(lang, 'timeline.exitTook', { code: 0, took: '' })}`);
    // (Not "no kernel objects": typed right after the first prompt, the entry may also
    // carry the shell's own start, seen late by procwatch: a known timeline race.)
    expect(frameProblems(ui)).toEqual([]);
    await quitAndCheck(ui, '\x14q');
  });
});

describe('a translation behind the English', () => {
  test('is shown translated, with a note that the English changed since', async () => {
    const lessons = copySamples(join(lab.home, '..'));
    const en = join(lessons, '90-sample-namespaces', 'lesson.md');
    writeFileSync(
      en,
      readFileSync(en, 'utf8').replace(
        'Leave the shell of the last step.',
        'Leave the shell of the last step first.',
      ),
    );
    const ui = startContlab(['--lang', 'ru', 'start', 'sample-namespaces'], {
      env: env({ CONTLAB_LESSONS: lessons }),
      cols: COLS,
      rows: ROWS,
    });
    const ru = loadLessonFile(en, hostCgroupVersion(), 'ru');
    expect(ru.language?.stale).toBe(true);
    // Step 1 in Russian, and the note (read from the lesson pane alone, lines joined).
    await ui.waitForText(`1. ${head(ru.steps[0]?.title ?? '?', 18)}`, 30_000);
    const note = squeezed(say('ru', 'player.translationStale'));
    const left = playerLayout(COLS, ROWS, false).left.width;
    const deadline = Date.now() + 10_000;
    while (!squeezed(columns(await ui.frame(), 0, left)).includes(note)) {
      if (Date.now() > deadline) throw new Error(`no stale note:\n${ui.screenText()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await quitAndCheck(ui, '\x14q');
  });
});

describe('choosing the language', () => {
  test('LANG=ru_RU.UTF-8 (no --lang): the home screen in Russian', async () => {
    const ui = startContlab([], {
      env: env({ LANG: 'ru_RU.UTF-8' }),
      cols: COLS,
      rows: ROWS,
    });
    await ui.waitForText(`Enter ${say('ru', 'footer.start')}`, 20_000);
    expect(ui.screenText()).toContain(say('ru', 'app.tagline'));
    await quitAndCheck(ui, 'q');
  });

  test('LC_ALL over LANG; a locale contlab does not speak is English, quietly', () => {
    const zh = contlab([], env({ LC_ALL: 'zh_CN.UTF-8', LANG: 'ru_RU.UTF-8' }));
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain(say('zh', 'cli.startHere'));
    const de = contlab([], env({ LANG: 'de_DE.UTF-8' }));
    expect(de.code).toBe(0);
    expect(de.stdout).toContain(say('en', 'cli.startHere'));
  });

  test('--help in the language, wrapped in cells (Chinese within 80 columns); English as before', () => {
    for (const lang of ['ru', 'zh']) {
      const r = contlab(['--lang', lang, '--help'], env());
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^${say(lang, 'cmd.title.usage')} contlab `));
      expect(r.stdout).toContain(say(lang, 'cmd.title.commands'));
      expect(squeezed(r.stdout)).toContain(squeezed(say(lang, 'cmd.start')));
      expect(r.stdout.split('\n').filter((l) => stringWidth(l) > COLS)).toEqual([]);
    }
    const verify = contlab(['--lang', 'ru', 'verify', '--help'], env());
    expect(squeezed(verify.stdout)).toContain(squeezed(say('ru', 'opt.verify.auto')));
    expect(verify.stdout).toContain(say('ru', 'cmd.help'));
    const en = contlab(['--help'], env());
    expect(en.stdout).toMatch(/^Usage: contlab \[options\] \[command\]\n/);
    expect(en.stdout).toMatch(
      /\n {2}start \[options\] \[lesson\] +open a lesson in the lesson player/,
    );
    expect(en.stdout).toMatch(/\n {2}-h, --help +display help for command\n/);
  });

  test('--lang xx: one clear error naming the languages, no stack trace, nothing started', () => {
    for (const args of [
      ['--lang', 'xx'],
      ['--lang=xx', 'start', '00-process'],
    ]) {
      const r = contlab(args, env());
      expect(r.code).toBe(1);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stderr).toMatch(/^contlab: --lang xx: contlab does not speak "xx"\n/);
      expect(r.stderr).toMatch(/remedy: give one of: en, id, ru, zh/);
      expect(r.stdout).toBe('');
    }
    const junk = contlab(['--lang', '../etc', 'start'], env());
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/--lang \.\.\/etc: not a language code/);
    expect(hasStackTrace(junk.stderr)).toBe(false);
  });
});

/**
 * The contlab command line. Each command lives in its own file under commands/; this file
 * only wires them up and turns expected failures (LabError) into one clear message and a
 * non-zero exit, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Help, type Option } from 'commander';
import { LabError, messageOf, shownMessage, shownRemedy } from '../engine/errors.js';
import { repoRoot } from '../engine/repo.js';
import { registerClass } from './commands/class.js';
import { registerCleanup } from './commands/cleanup.js';
import { registerDoctor } from './commands/doctor.js';
import { registerHome } from './commands/home.js';
import { registerImage } from './commands/image.js';
import { registerInspect } from './commands/inspect.js';
import { registerLint } from './commands/lint.js';
import { registerProgress } from './commands/progress.js';
import { registerReset } from './commands/reset.js';
import { registerTranslate } from './commands/translate.js';
import { registerVerify } from './commands/verify.js';
import { registerVm } from './commands/vm.js';
import { registerMonitor } from './commands/monitor.js';
import { registerPresent } from './commands/present.js';
import { registerStart } from './commands/start.js';
import { registerTimeline } from './commands/timeline.js';
import { chalk } from './output.js';
import {
  catalogueLanguages,
  chooseLanguage,
  hasCatalogue,
  languageOfLocale,
} from '../i18n/locale.js';
import { setLanguage, t } from '../i18n/messages.js';
import { linesText, seg, widthOf } from '../ui/text/styled.js';
import { wrap } from '../ui/text/wrap.js';
import { startupMark } from '../engine/startup-marks.js';

startupMark('cli');

function version(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Commander's section titles (`Usage:`, `Options:`...) in the language contlab speaks. */
const HELP_TITLES: Record<string, string> = {
  'Usage:': 'cmd.title.usage',
  'Options:': 'cmd.title.options',
  'Global Options:': 'cmd.title.globalOptions',
  'Commands:': 'cmd.title.commands',
  'Arguments:': 'cmd.title.arguments',
};

function helpTitle(title: string): string {
  const id = HELP_TITLES[title];
  return id === undefined ? title : t(id);
}

const ASCII = /^[\x20-\x7e\r\n]*$/;

/**
 * Help text measured and wrapped in terminal cells, as the TUI does: a Chinese description
 * (two cells a character, no spaces to break at) stays within the terminal. English is
 * wrapped by commander itself, as before.
 */
const HELP_LAYOUT: Partial<Help> = {
  styleTitle: helpTitle,
  // Commander adds `(default: "auto")` to an option's description: said like the rest.
  optionDescription(this: Help, option: Option): string {
    const text = Help.prototype.optionDescription.call(this, option);
    return text.replace(/\(default: (.*)\)$/, (_all, value: string) => t('cmd.default', { value }));
  },
  displayWidth: (text: string): number => widthOf(text),
  boxWrap(this: Help, text: string, width: number): string {
    if (ASCII.test(text)) return Help.prototype.boxWrap.call(this, text, width);
    return text
      .split(/\r?\n/)
      .map((line) => linesText(wrap([seg(line)], width)))
      .join('\n');
  },
};

export function buildProgram(): Command {
  const program = new Command('contlab')
    .description(t('cmd.program'))
    .version(version(), '-V, --version', t('cmd.version'))
    .option('--lang <language>', t('cmd.lang'))
    // Set before the commands are made: each command inherits them.
    .helpOption('-h, --help', t('cmd.help'))
    .configureHelp(HELP_LAYOUT)
    .showSuggestionAfterError(true)
    .exitOverride();
  registerHome(program);
  registerDoctor(program);
  registerCleanup(program);
  registerImage(program);
  registerInspect(program);
  registerLint(program);
  registerTranslate(program);
  registerVerify(program);
  registerProgress(program);
  registerReset(program);
  registerStart(program);
  registerPresent(program);
  registerMonitor(program);
  registerTimeline(program);
  registerVm(program);
  registerClass(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

function fail(err: unknown): never {
  if (err instanceof CommanderError) {
    // Commander already printed its message (unknown command, missing argument, --help).
    process.exit(err.exitCode);
  }
  if (err instanceof LabError) {
    // Said in the learner's language when the error came as a phrase (see LabError).
    process.stderr.write(`${chalk.red('contlab:')} ${shownMessage(err)}\n`);
    const remedy = shownRemedy(err);
    if (remedy) process.stderr.write(`  ${chalk.dim(t('cli.remedy'))} ${remedy}\n`);
    process.exit(err.exitCode);
  }
  // Unexpected: still one line, plus where to look, but no stack unless asked for.
  process.stderr.write(`${chalk.red('contlab: internal error:')} ${messageOf(err)}\n`);
  if (process.env.CONTLAB_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
  else process.stderr.write('  run again with CONTLAB_DEBUG=1 for details, and report it\n');
  process.exit(70);
}

/** The value of --lang (`--lang ru`, `--lang=ru`) anywhere on the command line, if given. */
export function langArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') return undefined;
    if (arg === '--lang') return argv[i + 1] ?? '';
    if (arg.startsWith('--lang=')) return arg.slice('--lang='.length);
  }
  return undefined;
}

/** The command named on the command line (`lint` in `contlab --lang ru lint x`), if any. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--lang') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** Commands for translators: they work on a language before it has a catalogue. */
const TRANSLATOR_COMMANDS = new Set(['translate', 'lint']);

/**
 * Chooses the language before anything is said: --lang, else the locale variables. Asked
 * for by --lang, a language needs a catalogue (locales/LANG.json), except for the
 * translators' commands: a translator starts a new language with `contlab translate --lang
 * pt` before it has one. From the environment, only a language contlab has a catalogue
 * for (a machine's LANG=de_DE is no request for German lessons); any other is English.
 */
function setLanguageFrom(argv: readonly string[]): void {
  const asked = langArgument(argv);
  if (asked === undefined) return setLanguage(chooseLanguage(undefined));
  const lang = languageOfLocale(asked);
  const known = catalogueLanguages().join(', ');
  if (lang === undefined)
    throw new LabError(`--lang ${asked}: not a language code`, {
      remedy: `give one of: ${known}`,
    });
  if (!hasCatalogue(lang) && !TRANSLATOR_COMMANDS.has(commandName(argv) ?? ''))
    throw new LabError(`--lang ${asked}: contlab does not speak "${lang}"`, {
      remedy: `give one of: ${known} (to add one: contlab translate LESSON --lang ${lang}, and locales/${lang}.json from a copy of locales/en.json)`,
    });
  setLanguage(lang);
}

/**
 * A reader that stops early (`contlab progress | head`) closes the pipe: the rest of the
 * output has nowhere to go, which is no error. The command still runs to its end (a lab it
 * opened is closed the usual way); what it writes after that is dropped.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe(process.stdout);
  try {
    setLanguageFrom(argv.slice(2));
    await buildProgram().parseAsync(argv);
  } catch (err) {
    fail(err);
  }
}

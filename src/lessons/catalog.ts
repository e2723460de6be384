/**
 * The home screen's list: every lesson with its progress and whether this host can run it.
 * A lesson file with problems is listed too, greyed out with the first problem.
 *
 * Parsing every lesson (Markdown, YAML, validation) is most of the time the home screen
 * takes to appear, so what parsing gave is kept in a cache file beside the progress file,
 * per lesson, keyed by the lesson file's content and by the parser's own files: a lesson is
 * parsed again only when it (or contlab) changed. The parser is not even loaded otherwise.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageOf } from '../engine/errors.js';
import { language } from '../i18n/current.js';
import type { CgroupVersion, Lesson, LessonLanguage } from './format/model.js';
import { hostCgroupVersion } from './format/modes.js';
import { lessonFiles, lessonsDir } from './discovery.js';
import { stepMarks, summarise, type StepMark } from './progress/operations.js';
import type { Progress } from './progress/schema.js';
import { ProgressStore, progressDir } from './progress/store.js';
import { unmetPhrases } from './session/requirements.js';
import { translationFile } from './translation/files.js';
import type { PhraseValue } from '../i18n/phrase.js';

export interface CatalogEntry {
  file: string;
  id: string;
  title: string;
  summary: string;
  minutes: number;
  /** Per step: done (✓), skipped, or not yet. */
  steps: StepMark[];
  /** Why this host cannot run it (empty: it can), as phrases the home screen says. */
  unmet: PhraseValue[];
  /** Where "continue" would open it (1-based), and whether it was started at all. */
  resumeStep: number;
  started: boolean;
  updatedAt: string | undefined;
  /** Set when another language than English was asked for (see Lesson.language). */
  language?: LessonLanguage;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** A notice for the learner (a recovered progress file). */
  notice: string | undefined;
}

function entryOf(lesson: Lesson, progress: Progress, hostChecks: boolean): CatalogEntry {
  const lp = progress.lessons[lesson.id];
  const summary = summarise(progress, lesson);
  return {
    file: lesson.file,
    id: lesson.id,
    title: lesson.title,
    summary: lesson.summary,
    minutes: lesson.minutes,
    steps: stepMarks(progress, lesson),
    unmet: hostChecks ? unmetPhrases(lesson.requirements) : [],
    resumeStep: summary.resume.number,
    started: lp !== undefined,
    updatedAt: lp?.updatedAt,
    ...(lesson.language === undefined ? {} : { language: lesson.language }),
  };
}

/** A lesson file parsed: the lesson, or the first line of its problems. */
type Parsed = { lesson: Lesson } | { problem: string };

interface CacheFile {
  version: typeof CACHE_VERSION;
  /** Identifies the parser build the entries came from. */
  parser: string;
  /** The cgroup version the lessons' text was resolved for. */
  mode: CgroupVersion;
  /** By lesson file: the hash of its content, and what parsing it gave. */
  lessons: Record<string, { hash: string; parsed: Parsed }>;
}

const CACHE_VERSION = 3;

function cacheFile(): string {
  return join(progressDir(), 'cache', 'catalog.json');
}

/** Sizes and times of the lesson modules (compiled or source) under `root`. */
function moduleStamps(root: string): string[] {
  const parts: string[] = [];
  for (const sub of ['', 'format', 'checks', 'translation']) {
    const dir = join(root, sub);
    for (const name of readdirSync(dir).sort()) {
      if (!/\.[jt]sx?$/.test(name)) continue;
      const st = statSync(join(dir, name));
      parts.push(`${sub}/${name}:${st.size}:${st.mtimeMs}`);
    }
  }
  return parts;
}

/**
 * The parser's build: the lesson modules' stamps, or, when contlab runs bundled (one file,
 * dist/bundle/contlab.cjs from scripts/bundle.mjs), that file's size and time, which a
 * rebuild changes.
 */
function parserKey(): string {
  const here = fileURLToPath(import.meta.url);
  const parts = /^catalog\.[jt]sx?$/.test(basename(here))
    ? moduleStamps(dirname(here))
    : [bundleStamp(here)];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

function bundleStamp(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return `${basename(file)} ${size} ${mtimeMs}`;
}

/**
 * The hash the cache keys a lesson by: its file's content and, in another language than
 * English, its translation's (or that there is none). Undefined: it cannot be read.
 */
function contentHash(file: string, lang: string): string | undefined {
  const hash = createHash('sha256');
  try {
    hash.update(readFileSync(file));
  } catch {
    return undefined; // loading it says why
  }
  if (lang !== 'en') {
    hash.update(`\0${lang}\0`);
    try {
      hash.update(readFileSync(translationFile(file, lang)));
    } catch {
      hash.update('untranslated');
    }
  }
  return hash.digest('hex');
}

/** Where the cache keeps a lesson file's entry in language `lang`. */
function cacheKey(file: string, lang: string): string {
  return lang === 'en' ? file : `${file}#${lang}`;
}

/**
 * The lesson in `file`, as the cache holds it when it parsed this very content with this
 * very parser for this host's cgroup version (the home screen, or an earlier start, wrote
 * it): `contlab start` then opens a lesson without loading the parser. Otherwise parsed now
 * and kept in the cache; a lesson with problems is a LabError naming them.
 */
export async function loadLessonCached(file: string, lang: string = language()): Promise<Lesson> {
  let parser: string | undefined;
  try {
    parser = parserKey();
  } catch {
    // the parser's files cannot be listed: no cache
  }
  const mode = hostCgroupVersion();
  const cached = parser === undefined ? {} : readCache(parser, mode);
  const hash = contentHash(file, lang);
  const key = cacheKey(file, lang);
  const hit = cached[key];
  if (hit !== undefined && hit.hash === hash && 'lesson' in hit.parsed) return hit.parsed.lesson;
  const lesson = (await import('./load.js')).loadLessonFile(file, undefined, lang);
  if (parser !== undefined && hash !== undefined)
    writeCache({
      version: CACHE_VERSION,
      parser,
      mode,
      lessons: { ...cached, [key]: { hash, parsed: { lesson } } },
    });
  return lesson;
}

function readCache(parser: string, mode: CgroupVersion): CacheFile['lessons'] {
  try {
    const data = JSON.parse(readFileSync(cacheFile(), 'utf8')) as Partial<CacheFile>;
    if (
      data.version === CACHE_VERSION &&
      data.parser === parser &&
      data.mode === mode &&
      data.lessons !== undefined
    )
      return data.lessons;
  } catch {
    // no cache yet, or an unreadable one: parse every lesson
  }
  return {};
}

function writeCache(cache: CacheFile): void {
  const file = cacheFile();
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, JSON.stringify(cache));
    renameSync(temp, file);
  } catch {
    // a read-only home: the next start parses again
  }
}

/** Every lesson file in `dir`, parsed or from the cache. */
async function parseAll(dir: string, lang: string): Promise<{ file: string; parsed: Parsed }[]> {
  let parser: string | undefined;
  try {
    parser = parserKey();
  } catch {
    // the parser's files cannot be listed: no cache
  }
  const mode = hostCgroupVersion();
  const cached = parser === undefined ? {} : readCache(parser, mode);
  const fresh: CacheFile['lessons'] = {};
  let changed = false;
  let load: typeof import('./load.js').loadLessonFile | undefined;
  const out: { file: string; parsed: Parsed }[] = [];
  for (const file of lessonFiles(dir)) {
    const hash = contentHash(file, lang);
    const key = cacheKey(file, lang);
    const hit = hash === undefined ? undefined : cached[key];
    let parsed: Parsed;
    if (hit !== undefined && hit.hash === hash) parsed = hit.parsed;
    else {
      changed = true;
      // The parser, only when a lesson has to be parsed.
      load ??= (await import('./load.js')).loadLessonFile;
      try {
        parsed = { lesson: load(file, undefined, lang) };
      } catch (err) {
        parsed = { problem: messageOf(err).split('\n')[0] ?? 'cannot be read' };
      }
    }
    if (hash !== undefined) fresh[key] = { hash, parsed };
    out.push({ file, parsed });
  }
  if (parser !== undefined && (changed || Object.keys(cached).length !== out.length))
    writeCache({ version: CACHE_VERSION, parser, mode, lessons: fresh });
  return out;
}

/** Lessons in folder order, with the one the learner last worked on (and not finished) first. */
/**
 * `hostChecks: false` (the lab runs in the VM, which has what every lesson needs): no
 * lesson is greyed out for what this machine lacks.
 */
export async function loadCatalog(
  dir: string = lessonsDir(),
  options: { hostChecks?: boolean; lang?: string } = {},
): Promise<Catalog> {
  const lang = options.lang ?? language();
  const store = new ProgressStore();
  let notice: string | undefined;
  let progress: Progress = { version: 1, lessons: {} };
  try {
    const loaded = store.load();
    progress = loaded.progress;
    notice = loaded.recovered;
  } catch (err) {
    notice = messageOf(err);
  }
  const entries: CatalogEntry[] = [];
  for (const { file, parsed } of await parseAll(dir, lang)) {
    try {
      if ('problem' in parsed) throw new Error(parsed.problem);
      entries.push(entryOf(parsed.lesson, progress, options.hostChecks !== false));
    } catch (err) {
      const name = file.split('/').slice(-2, -1)[0] ?? file;
      entries.push({
        file,
        id: name,
        title: name,
        summary: '',
        minutes: 0,
        steps: [],
        unmet: [messageOf(err).split('\n')[0] ?? 'cannot be read'],
        resumeStep: 1,
        started: false,
        updatedAt: undefined,
      });
    }
  }
  const open = entries.filter(
    (e) => e.started && e.unmet.length === 0 && e.steps.some((s) => s !== 'done'),
  );
  const latest = open.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0];
  const ordered = latest === undefined ? entries : [latest, ...entries.filter((e) => e !== latest)];
  return { entries: ordered, notice };
}

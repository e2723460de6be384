/**
 * The home screen's list: every lesson with its progress and whether this host can run it.
 * A lesson file with problems is listed too, greyed out with the first problem.
 */
import { messageOf } from '../../engine/errors.js';
import {
  lessonFiles,
  loadLessonFile,
  ProgressStore,
  summarise,
  unmetRequirements,
  type Lesson,
  type Progress,
} from './lessons-api.js';

export interface CatalogEntry {
  file: string;
  id: string;
  title: string;
  summary: string;
  minutes: number;
  /** Per step: done (✓), skipped, or not yet. */
  steps: ('done' | 'skipped' | 'todo')[];
  /** Why this host cannot run it (empty: it can). */
  unmet: string[];
  /** Where "continue" would open it (1-based), and whether it was started at all. */
  resumeStep: number;
  started: boolean;
  updatedAt: string | undefined;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** A notice for the learner (a recovered progress file). */
  notice: string | undefined;
}

function entryOf(lesson: Lesson, progress: Progress): CatalogEntry {
  const lp = progress.lessons[lesson.id];
  const summary = summarise(progress, lesson);
  return {
    file: lesson.file,
    id: lesson.id,
    title: lesson.title,
    summary: lesson.summary,
    minutes: lesson.minutes,
    steps: lesson.steps.map((s) => {
      const sp = lp?.steps[s.id];
      if (sp?.completedAt !== undefined) return 'done' as const;
      return sp?.skipped === true ? ('skipped' as const) : ('todo' as const);
    }),
    unmet: unmetRequirements(lesson.requirements),
    resumeStep: summary.resume.number,
    started: lp !== undefined,
    updatedAt: lp?.updatedAt,
  };
}

/** Lessons in folder order, with the one the learner last worked on (and not finished) first. */
export function loadCatalog(dir?: string): Catalog {
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
  for (const file of lessonFiles(dir)) {
    try {
      const lesson = loadLessonFile(file);
      entries.push(entryOf(lesson, progress));
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

/**
 * The light part of the lessons API (index.ts re-exports all of it): what the home screen
 * needs to list lessons with their progress, importable without the lesson parser
 * (Markdown, YAML, zod) or the lesson runner, so `contlab` draws its first frame sooner.
 */
export { loadCatalog, loadLessonCached, type Catalog, type CatalogEntry } from './catalog.js';
export { findLessonFile, LESSON_FILE, lessonFiles, lessonsDir } from './discovery.js';
export { hostCgroupVersion } from './format/modes.js';
export type { CgroupVersion, Lesson, Step } from './format/model.js';
export { ProgressStore, progressDir, type LoadedProgress } from './progress/store.js';
export type { LessonProgress, Progress, QuizAnswer, StepProgress } from './progress/schema.js';
export { stepMarks, summarise, type LessonSummary, type StepMark } from './progress/operations.js';
export { unmetRequirements } from './session/requirements.js';

/**
 * The one place the UI imports lesson logic from: the lessons API (src/lessons/index.ts),
 * re-exported from the modules behind it, so that the player loads only what it uses (not
 * the linter or `verify --auto`). The home screen's smaller part is in home-api.ts.
 */
export type { CodeBlock, Hint, Lesson, Quiz, Step } from '../../lessons/format/model.js';
export type { CheckpointResult, CheckResult } from '../../lessons/checks/types.js';
// Finding a lesson, and the lesson parsed (from the catalog's cache when it holds it): the
// player never loads the lesson parser (Markdown, YAML and zod) when it need not run it.
export { findLessonFile, lessonFiles } from '../../lessons/find.js';
export { loadLessonCached } from './catalog.js';
export { liveLabs, type LiveLab } from '../../lessons/session/lab-info.js';
export { LessonRun, type QuizOutcome } from '../../lessons/runner/lesson-run.js';
export { ProgressStore } from '../../lessons/progress/store.js';
export type { Progress } from '../../lessons/progress/schema.js';
export { summarise, type LessonSummary } from '../../lessons/progress/operations.js';
export { unmetRequirements } from '../../lessons/session/requirements.js';

/**
 * What the UI takes from the lessons API (src/lessons), each name from the module that holds
 * it rather than from src/lessons/index.ts: the bundle then loads for the player only what
 * it uses (not the linter, nor `verify --auto`), and never the lesson parser when the
 * catalog's cache has the lesson parsed.
 */
export type { CodeBlock, Hint, Lesson, Quiz, Step } from '../../lessons/format/model.js';
export type { CheckpointResult, CheckResult } from '../../lessons/checks/types.js';
export { findLessonFile, lessonFiles } from '../../lessons/discovery.js';
export { loadLessonCached } from '../../lessons/catalog.js';
export { liveLabs, type LiveLab } from '../../lessons/session/lab-info.js';
export { LessonRun, type QuizOutcome } from '../../lessons/runner/lesson-run.js';
export { ProgressStore } from '../../lessons/progress/store.js';
export type { Progress } from '../../lessons/progress/schema.js';
export { summarise, type LessonSummary } from '../../lessons/progress/operations.js';
export { unmetRequirements } from '../../lessons/session/requirements.js';

/**
 * The part of the lessons API (src/lessons/index.ts) the home screen needs, importable
 * without the lesson parser (Markdown, YAML) or the lesson runner: `contlab` draws its
 * first frame sooner. Everything else comes from lessons-api.ts.
 */
export type { Lesson } from '../../lessons/format/model.js';
export { ProgressStore, progressDir } from '../../lessons/progress/store.js';
export type { Progress } from '../../lessons/progress/schema.js';
export { summarise } from '../../lessons/progress/operations.js';
export { unmetRequirements } from '../../lessons/session/requirements.js';

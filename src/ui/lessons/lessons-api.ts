/**
 * The one place the UI imports lesson logic from: the lessons API (src/lessons/index.ts).
 */
export {
  LessonRun,
  ProgressStore,
  findLessonFile,
  lessonFiles,
  liveLabs,
  loadLesson,
  loadLessonFile,
  summarise,
  unmetRequirements,
  type CheckResult,
  type CheckpointResult,
  type CodeBlock,
  type Hint,
  type Lesson,
  type LessonSummary,
  type LiveLab,
  type Progress,
  type Quiz,
  type QuizOutcome,
  type Step,
} from '../../lessons/index.js';

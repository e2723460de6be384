/**
 * The lessons API, for the player (TUI), presenter mode and the CLI. Keep it stable: the UI
 * imports only from here.
 *
 * Lessons
 *   listLessons(dir?)            every lesson folder: { file, lesson } or { file, problems }
 *   lessonsDir()                 lessons-content, or $CONTLAB_LESSONS
 *   loadLesson(ref)              by id, folder (`90-sample-namespaces`, `sample-namespaces`)
 *                                or path; a LabError listing `file:line:col` problems if broken
 *   Lesson, Step, Hint, Quiz, CodeBlock, Requirements      the typed model (format/model.ts)
 *   lintPaths(paths)             what `contlab lint` reports, as Diagnostic values
 *   unmetRequirements(req)       what this host lacks for a lesson, with remedies
 *
 * Playing a lesson (one per process: a lab is a LabSession)
 *   const run = await LessonRun.open(lesson)      opens its lab (cgroups, rootfs, daemons)
 *   run.shellCommand()           { file, args, env, cwd } to spawn the learner's shell in a
 *                                pty; then run.recordProcess(pid) so cleanup can end it
 *   await run.resume() / run.enter(n)             enters a step: setup, then the checkpoint
 *                                is re-evaluated about once a second in the background
 *   run.on('result' | 'pass' | 'step' | 'progress' | 'notice', fn)   `on` returns its unsubscribe
 *   await run.check()            evaluates now (the "check" key): CheckpointResult
 *   await run.hint()             the next hint, matched to what the learner actually did
 *   run.solution()               after a hint or a pass; before that a LabError says so
 *   run.answerQuiz(quiz, choice) { correct, explain, right } (0-based indexes)
 *   await run.skip() / run.redo()                 next step / this step from scratch
 *   await run.close()            cleanup of the open step, then the whole lab is removed
 *
 * Checkpoints
 *   CheckpointResult { ok, results: CheckResult[] }; CheckResult { check, ok, saw, expected }
 *   describeResult(r), failureReason(result)     learner-readable sentences
 *   evaluateCheckpoint(checks, context)          for a lab you manage yourself
 *
 * Progress ($XDG_STATE_HOME/contlab/progress.json, or the lab home as root)
 *   new ProgressStore().load()   { progress, recovered? } (recovered: say it to the learner)
 *   store.update(fn)             read, change, atomic write (temp, fsync, rename, dir fsync;
 *                                the previous version kept as .bak)
 *   summarise(progress, lesson)  done/total, skipped, quiz score, resume step
 *   resumeStep, markCheckpointPassed, markStepDone, skipStep, resetProgress,
 *   recordQuizAnswer, recordHintShown, solutionAllowed ...     pure changes for update()
 *
 * Headless
 *   verifyAuto(lesson, { step?, onStep? })       what `contlab verify --auto` runs
 *   demoLines(block.text)        the lines demo mode types for a step's step.demo blocks
 */
export type {
  CodeBlock,
  DemoBlock,
  Hint,
  HintCondition,
  Lesson,
  Quiz,
  QuizChoice,
  Requirements,
  Step,
} from './format/model.js';
export type { Diagnostic } from './format/diagnostic.js';
export { formatDiagnostic } from './format/diagnostic.js';
export type { Check, CheckKind, CheckpointResult, CheckResult } from './checks/types.js';
export type { CheckContext } from './checks/context.js';
export { evaluateCheckpoint } from './checks/evaluate.js';
export { checkLabel, describeResult, failureReason } from './checks/describe.js';
export { hintFor, hintsFor, hintMatches } from './hints.js';
export {
  findLessonFile,
  lessonFiles,
  lessonsDir,
  loadLesson,
  loadLessonFile,
  parseLessonFile,
} from './load.js';
export { listLessons, type LessonEntry } from './list.js';
export { lintFiles, lintPaths, type LintReport } from './lint/lint-paths.js';
export { knownConcepts, type Concept, type ConceptList } from './concepts.js';
export { unmetRequirements } from './session/requirements.js';
export { openLessonLab, type LessonLab } from './session/lesson-lab.js';
export { liveLabs, type LiveLab } from './session/lab-info.js';
export {
  LessonRun,
  type LessonRunEvents,
  type LessonRunOptions,
  type QuizOutcome,
  type ShellCommand,
} from './runner/lesson-run.js';
export { Watcher, type WatcherEvents } from './watcher.js';
export {
  demoLines,
  verifyAuto,
  type AutoOptions,
  type StepReport,
  type VerifyReport,
} from './runner/verify-auto.js';
export {
  ProgressStore,
  loadProgress,
  progressDir,
  progressFile,
  saveProgress,
  type LoadedProgress,
} from './progress/store.js';
export type { LessonProgress, Progress, QuizAnswer, StepProgress } from './progress/schema.js';
export {
  lessonProgress,
  markCheckpointPassed,
  markStepDone,
  recordHintShown,
  recordQuizAnswer,
  recordSolutionShown,
  resetProgress,
  resumeStep,
  setCurrentStep,
  skipStep,
  solutionAllowed,
  stepProgress,
  summarise,
  type LessonSummary,
} from './progress/operations.js';

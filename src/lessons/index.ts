/**
 * The lessons API, for the player (TUI), presenter mode and the CLI: the one door to lessons.
 * Keep it stable: the UI and the CLI import only from here, or from home.ts, its light part
 * (the catalog and progress without the parser), which this file re-exports.
 *
 * Catalog (home.ts)
 *   loadCatalog(dir?)            every lesson with its progress, step marks and what this host
 *                                lacks; parsed lessons cached per file content and cgroup mode
 *   stepMarks(progress, lesson)  'done' | 'skipped' | 'todo' per step
 *   hostCgroupVersion()          'v1' | 'v2': lessons are loaded with the text of this version
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
 *                                is re-evaluated in the background: on the changes a
 *                                run.watchLive() source signals, else about once a second
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
 *   verifyAuto(lesson, { step?, onStep? })       what `contlab verify --auto` runs: each
 *                                checkpoint fails before, rejects the step's ```wrong
 *                                attempts, passes after
 *   verifyAlone(lesson, { step?, onStep? })      `contlab verify --alone`: each step opened
 *                                on its own leaves the host unchanged
 *   demoLines(block.text)        the lines demo mode types for a step's step.demo blocks
 */
export * from './home.js';
export type {
  CodeBlock,
  DemoBlock,
  Hint,
  HintCondition,
  Quiz,
  QuizChoice,
  Requirements,
  WrongAttempt,
} from './format/model.js';
export type { Diagnostic } from './format/diagnostic.js';
export { formatDiagnostic } from './format/diagnostic.js';
export type { Check, CheckKind, CheckOf, CheckpointResult, CheckResult } from './checks/types.js';
export { CHECK_KEYS } from './checks/schema.js';
export type { CheckContext } from './checks/context.js';
export { evaluateCheckpoint } from './checks/evaluate.js';
export {
  checkLabel,
  describeResult,
  expectedText,
  failureReason,
  sawText,
} from './checks/describe.js';
export { hintFor, hintsFor, hintMatches } from './hints.js';
export { findLessonFile, loadLesson, loadLessonFile, parseLessonFile } from './load.js';
export { listLessons, type LessonEntry } from './list.js';
export { lintFiles, lintPaths, type LintReport } from './lint/lint-paths.js';
export { knownConcepts, type Concept, type ConceptList } from './concepts.js';
export { openLessonLab, type LessonLab } from './session/lesson-lab.js';
export { liveLabs, type LiveLab } from './session/lab-info.js';
export {
  LessonRun,
  type LessonRunEvents,
  type LessonRunOptions,
  type LiveSources,
  type QuizOutcome,
  type ShellCommand,
} from './runner/lesson-run.js';
export { runInLiveLab } from './session/lab-info.js';
export { Watcher, type WatcherEvents } from './watcher.js';
export {
  demoLines,
  verifyAuto,
  type AutoOptions,
  type StepReport,
  type VerifyReport,
  type WrongReport,
} from './runner/verify-auto.js';
export {
  verifyAlone,
  type AloneOptions,
  type AloneReport,
  type AloneStepReport,
} from './runner/verify-alone.js';
export { loadProgress, progressFile, saveProgress } from './progress/store.js';
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
} from './progress/operations.js';

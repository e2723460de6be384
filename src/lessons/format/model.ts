/** A parsed lesson: its metadata and its steps, each block keeping where it came from. */
import type { Check } from '../checks/types.js';
import type { SourcePos } from './diagnostic.js';

export type CgroupVersion = 'v1' | 'v2';

export interface Requirements {
  root: boolean;
  /** Cgroup versions the lesson works on (a hybrid host counts as v1). */
  cgroup: CgroupVersion[];
  tools: string[];
  namespaces: string[];
  controllers: string[];
  filesystems: string[];
  /**
   * Lab daemons the lesson's commands use (dockerd implies containerd; dockerd-bridge is a
   * dockerd with docker's bridge network, NAT and docker-proxy, in its own netns).
   */
  daemons: ('containerd' | 'dockerd' | 'dockerd-bridge')[];
}

export interface CodeBlock {
  text: string;
  pos: SourcePos;
  /** `mode=v1` in the fence: the block is for that cgroup version only. */
  mode?: CgroupVersion;
}

/**
 * A plausible mistake (```wrong): commands a learner might type instead of the step's.
 * `verify --auto` types them into a fresh shell and proves the checkpoint rejects them.
 */
export interface WrongAttempt {
  title: string;
  /** The commands, typed line by line. */
  run: string;
  /** Extra undo after verify ended the attempt's processes (before the setup runs again). */
  undo?: string;
  pos: SourcePos;
}

/** `when="limit fails and group passes"`: each term names a check of the step's checkpoint. */
export interface HintCondition {
  check: string;
  state: 'passes' | 'fails';
}

export interface Hint {
  text: string;
  when: HintCondition[];
  pos: SourcePos;
}

export interface QuizChoice {
  text: string;
  explain: string;
}

export interface Quiz {
  question: string;
  choices: QuizChoice[];
  /** Index into `choices` (0-based; the file says 1-based). */
  answer: number;
  pos: SourcePos;
}

/** What the demo (and `verify --auto`) types: an sh or a solution block. */
export interface DemoBlock extends CodeBlock {
  from: 'sh' | 'solution';
}

export interface Step {
  id: string;
  /** 1-based position in the lesson. */
  number: number;
  title: string;
  concepts: string[];
  /** Seconds one demo command may take before verify gives up on it. */
  commandTimeout: number;
  /** The step's Markdown text without its lab blocks (for the player to render). */
  prose: string;
  commands: CodeBlock[];
  setup: CodeBlock[];
  cleanup: CodeBlock[];
  solution: CodeBlock[];
  demo: DemoBlock[];
  hints: Hint[];
  quizzes: Quiz[];
  wrong: WrongAttempt[];
  notes: string[];
  checkpoint: Check[] | undefined;
  checkpointPos: SourcePos | undefined;
  pos: SourcePos;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  minutes: number;
  requirements: Requirements;
  concepts: string[];
  /** Markdown before the first step. */
  intro: string;
  steps: Step[];
  /**
   * The cgroup version the text was resolved for (the host's, when loaded to be played):
   * the other version's blocks, checks and text are left out. Undefined: both kept (lint).
   */
  mode: CgroupVersion | undefined;
  /** Absolute path of lesson.md, and of its folder. */
  file: string;
  dir: string;
  /**
   * Set when a language other than English was asked for: the one the text is in, and why
   * it is English when it is (no translation yet). Undefined: English, as asked.
   */
  language?: LessonLanguage;
}

/** In which language a lesson is shown, when another than English was asked for. */
export interface LessonLanguage {
  /** The language asked for. */
  wanted: string;
  /** The language the lesson is shown in: `wanted`, or `en` when there is no usable translation. */
  shown: string;
  /** Why it is English: no translation, or one that cannot be read. */
  fallback?: 'untranslated' | 'broken';
  /** Parts of the English changed since they were translated (shown translated anyway). */
  stale?: boolean;
}

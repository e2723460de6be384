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
  /** Absolute path of lesson.md, and of its folder. */
  file: string;
  dir: string;
}

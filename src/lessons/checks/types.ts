/**
 * The checks a checkpoint is made of. Each judges the resulting state of the real system
 * (processes, cgroup files, capabilities, files), never what the learner typed.
 */
import type { NsType } from '../../engine/observer/index.js';
import type { SourcePos } from '../format/diagnostic.js';

interface CheckBase {
  /** Optional name, so hints can say `when: "limit fails"`. */
  name?: string;
  /** One sentence a learner can act on, shown when the check fails. */
  explain?: string;
  /** Where the check is in the lesson file, for messages. */
  pos: SourcePos;
}

/** Which processes a process check looks at: the lab session's, or every process. */
export type ProcessScope = 'lab' | 'host';

export interface ProcessCheck extends CheckBase {
  kind: 'process';
  /** Regular expression matched against the command line. */
  match: string;
  /** Namespace types that must differ from the host's (empty: only "it runs"). */
  namespaces: NsType[];
  /** When set, the process must be in this cgroup (relative to the lab's cgroup). */
  inCgroup?: string;
  scope: ProcessScope;
}

export type LimitController = 'memory' | 'pids' | 'cpu';

export interface CgroupLimitCheck extends CheckBase {
  kind: 'cgroup-limit';
  controller: LimitController;
  /** Cgroup path relative to the lab session's cgroup parent. */
  cgroup: string;
  /** Bytes for memory, a count for pids, microseconds per period for cpu; or 'max'. */
  equals: number | 'max';
}

export interface OomKillsCheck extends CheckBase {
  kind: 'oom-kills';
  cgroup: string;
  /** Passes once the count is above what it was when the step opened. */
  rose: boolean;
  atLeast?: number;
}

export interface CapabilityCheck extends CheckBase {
  kind: 'capability';
  /** Normalised kernel name: cap_net_raw. */
  capability: string;
  process: string;
  has: boolean;
  set: 'effective' | 'permitted' | 'bounding';
  scope: ProcessScope;
}

export interface FileCheck extends CheckBase {
  kind: 'file';
  path: string;
  /** When set, the path is looked up inside this process's root (/proc/PID/root/...). */
  process?: string;
  exists: boolean;
  contains?: string;
  scope: ProcessScope;
}

export interface MountCheck extends CheckBase {
  kind: 'mount';
  /** The mount point as the process sees it. */
  target: string;
  /** Whose mount table: the first process matching this (a mount namespace has many). */
  process: string;
  fstype?: string;
  exists: boolean;
  /** When set, the host's mount table (PID 1's) must have the mount too (true) or not. */
  onHost?: boolean;
  scope: ProcessScope;
}

export interface CommandCheck extends CheckBase {
  kind: 'command';
  run: string;
  exit: number;
  output?: string;
  timeoutSeconds: number;
}

export interface ScriptCheck extends CheckBase {
  kind: 'script';
  script: string;
  timeoutSeconds: number;
}

export type Check =
  | ProcessCheck
  | CgroupLimitCheck
  | OomKillsCheck
  | CapabilityCheck
  | FileCheck
  | MountCheck
  | CommandCheck
  | ScriptCheck;

export type CheckKind = Check['kind'];

export interface CheckResult {
  check: Check;
  ok: boolean;
  /** What the system showed, in a learner's words (with the file read, where there is one). */
  saw: string;
  /** What the check wanted. */
  expected: string;
}

export interface CheckpointResult {
  ok: boolean;
  results: CheckResult[];
}

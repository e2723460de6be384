/**
 * The checks a checkpoint is made of. Each judges the resulting state of the real system
 * (processes, cgroup files, capabilities, files, containers), never what the learner typed.
 * Their shapes come from the one declaration of each kind in schema.ts.
 */
import type { PhraseValue } from '../../i18n/phrase.js';
import type { SourcePos } from '../format/diagnostic.js';
import type { CheckData } from './schema.js';

/** Which processes a check looks at: the lab session's, or every process. */
export type ProcessScope = 'lab' | 'host';

/** A parsed check, with where it is in the lesson file (for messages). */
export type Check = CheckData & { pos: SourcePos };

export type CheckKind = Check['kind'];

/** The check of one kind. */
export type CheckOf<K extends CheckKind> = Extract<Check, { kind: K }>;

export type ProcessCheck = CheckOf<'process'>;
export type CgroupLimitCheck = CheckOf<'cgroup-limit'>;
export type OomKillsCheck = CheckOf<'oom-kills'>;
export type CapabilityCheck = CheckOf<'capability'>;
export type FileCheck = CheckOf<'file'>;
export type MountCheck = CheckOf<'mount'>;
export type CommandCheck = CheckOf<'command'>;
export type ScriptCheck = CheckOf<'script'>;
export type SharesNamespaceCheck = CheckOf<'shares-namespace'>;
export type StatusCheck = CheckOf<'status'>;
export type HostnameInCheck = CheckOf<'hostname-in'>;
export type LimitController = CgroupLimitCheck['controller'];

export interface CheckResult {
  check: Check;
  ok: boolean;
  /** What the system showed, in a learner's words (with the file read, where there is one). */
  saw: string;
  /** What the check wanted. */
  expected: string;
  /**
   * The same two as phrases, for the screen to say in the learner's language (saw and
   * expected above are their English, for --json). Results made elsewhere may lack them.
   */
  said?: { saw: PhraseValue; expected: PhraseValue };
}

export interface CheckpointResult {
  ok: boolean;
  results: CheckResult[];
}

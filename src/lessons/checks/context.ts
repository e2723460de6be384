/** What a checkpoint is evaluated against: the system, and the lab session it belongs to. */
import type { LabSystem } from './system.js';

export interface CheckContext {
  /** A fresh look at the system for every evaluation (process scans are cached inside). */
  system: () => LabSystem;
  /** The session's cgroup, relative to each hierarchy root: `/contlab/session-1-2`. */
  cgroupBase: string;
  /** Cgroup path prefix of the processes `scope: lab` checks look at. */
  labScope: string;
  /** oom_kill counts when the step opened, by cgroup path ("rose" compares with them). */
  baseline: Map<string, number>;
  /** The lab's environment: `$LAB_DIR` in a check's path, the daemons' addresses. */
  env: NodeJS.ProcessEnv;
}

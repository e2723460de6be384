/**
 * The timeline: what each command run in a lab shell did to the kernel, and undo of a step's
 * kernel state. recorder.ts makes the entries, undo.ts goes back to a step's mark.
 */
export type * from './types.js';
export {
  ProcWatch,
  procwatchBin,
  parseProcLine,
  describeExit,
  type ProcEvent,
} from './proc-events.js';
export { MarkerFilter, parseMarker, type ShellMarker } from './shell-markers.js';
export { readLabState, type LabScope, type ReadStateOptions } from './lab-state.js';
export { TimelineRecorder, type RecorderOptions } from './recorder.js';
export { timelineFile, readTimeline, parseTimeline, TIMELINE_FILE } from './file.js';
export {
  undoToMark,
  planUndo,
  carryOut,
  type UndoScope,
  type UndoReport,
  type UndoPlan,
} from './undo.js';
export { readMark, writeMark, type LabMark } from './mark.js';

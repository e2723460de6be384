/**
 * A problem found in a lesson file, always with the place it is at: instructors fix lessons
 * from `file:line:col message` lines, the way they fix code from a compiler's.
 */
export interface SourcePos {
  line: number;
  col: number;
}

export interface Diagnostic extends SourcePos {
  file: string;
  message: string;
  /** A warning (a translation behind the English) does not fail lint; undefined: an error. */
  severity?: 'warning';
}

export function diagnostic(file: string, pos: SourcePos, message: string): Diagnostic {
  return { file, line: pos.line, col: pos.col, message };
}

export function warning(file: string, pos: SourcePos, message: string): Diagnostic {
  return { file, line: pos.line, col: pos.col, message, severity: 'warning' };
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}

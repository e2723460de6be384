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
}

export function diagnostic(file: string, pos: SourcePos, message: string): Diagnostic {
  return { file, line: pos.line, col: pos.col, message };
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.message}`;
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col;
}

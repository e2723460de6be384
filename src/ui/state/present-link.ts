/**
 * How `contlab present --notes` in a second terminal follows the presenter: the presenter
 * writes the lesson and slide it shows to a small file in the lab's runtime directory; the
 * notes screen reads it whenever it changes.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from '../../engine/paths.js';

export interface PresentPosition {
  pid: number;
  lessonFile: string;
  /** 0 = the title slide, n = step n. */
  slide: number;
}

export function presentLinkFile(): string {
  return join(runDir(), 'present.json');
}

export function writePosition(position: PresentPosition, file = presentLinkFile()): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(position));
    renameSync(`${file}.tmp`, file);
  } catch {
    // the notes screen is optional: a presenter without a runtime directory still presents
  }
}

export function readPosition(file = presentLinkFile()): PresentPosition | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<PresentPosition>;
    if (typeof data.pid !== 'number' || typeof data.lessonFile !== 'string') return undefined;
    if (typeof data.slide !== 'number') return undefined;
    try {
      process.kill(data.pid, 0);
    } catch {
      return undefined;
    }
    return { pid: data.pid, lessonFile: data.lessonFile, slide: data.slide };
  } catch {
    return undefined;
  }
}

export function removePosition(file = presentLinkFile()): void {
  rmSync(file, { force: true });
}

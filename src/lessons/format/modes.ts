/**
 * Text that differs by cgroup version. Inline, `{{v1: memory.limit_in_bytes | v2: memory.max}}`
 * (or one side alone, `{{v2: shown on v2 only}}`); a whole passage, a ```v1 or ```v2 block of
 * Markdown; a lab block, `mode=v2` in its fence; a check, `mode: v2`. A lesson loaded to be
 * played is resolved for the host's version, so the learner reads the files they have.
 */
import { cgroupMode } from '../../engine/cgroupfs.js';
import type { CgroupVersion } from './model.js';

const INLINE =
  /\{\{\s*(v1|v2)\s*:((?:[^{}|]|\{(?!\{)|\}(?!\}))*?)(?:\|\s*(v1|v2)\s*:((?:[^{}]|\{(?!\{)|\}(?!\}))*?))?\}\}/g;

/** The host's version as lessons see it: a hybrid host counts as v1 (its controllers are). */
export function hostCgroupVersion(): CgroupVersion {
  return cgroupMode() === 'v2' ? 'v2' : 'v1';
}

/** Resolves every inline form for `mode`; undefined keeps the text as written. */
export function resolveInline(text: string, mode: CgroupVersion | undefined): string {
  if (mode === undefined) return text;
  return text.replace(INLINE, (_all, m1: string, t1: string, m2?: string, t2?: string) => {
    if (m1 === mode) return t1.trim();
    if (m2 === mode) return (t2 ?? '').trim();
    return '';
  });
}

/** Problems with inline forms: an opening `{{v1:` that the pattern does not close. */
export function inlineProblems(text: string): { offset: number; message: string }[] {
  const out: { offset: number; message: string }[] = [];
  const good: [number, number][] = [];
  for (const m of text.matchAll(INLINE)) {
    const start = m.index ?? 0;
    good.push([start, start + m[0].length]);
    if (m[3] !== undefined && m[3] === m[1])
      out.push({
        offset: start,
        message: `{{${m[1]}: ...}} names ${m[1]} twice: write {{v1: ... | v2: ...}}`,
      });
  }
  for (const m of text.matchAll(/\{\{\s*v[0-9]/g)) {
    const at = m.index ?? 0;
    if (good.some(([a, b]) => at >= a && at < b)) continue;
    out.push({
      offset: at,
      message:
        'cannot read this cgroup-version text: write {{v1: text | v2: text}} (or one side alone)',
    });
  }
  return out;
}

/**
 * Rules every step of a lesson meets, beyond what parsing a file checks:
 * - every check says what to do when it fails (`explain`);
 * - every step with a checkpoint lists at least one plausible mistake (```wrong) that
 *   `verify --auto` proves the checkpoint rejects;
 * - a step works when it is opened on its own (the learner jumps ahead, or their shell
 *   restarted): its commands use no shell variable that only an earlier step set, which
 *   would expand to nothing (`mkdir -p "$O/merged/data"` → `/merged/data` on the host).
 */
import { diagnostic, type Diagnostic } from '../format/diagnostic.js';
import type { Lesson, Step } from '../format/model.js';

/** Variables a lesson shell always has: the lab's, the daemons', and the shell's own. */
const ALWAYS = new Set(
  'HOME PATH PWD OLDPWD PPID RANDOM UID EUID USER SHELL TERM HOSTNAME BASHPID SECONDS IFS PS1 REPLY'.split(
    ' ',
  ),
);
const ALWAYS_PREFIXES = ['LAB_', 'CONTAINERD_', 'DOCKER_'];

export function stepRules(file: string, lesson: Lesson): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const step of lesson.steps) {
    for (const c of step.checkpoint ?? [])
      if (c.explain === undefined)
        out.push(
          diagnostic(
            file,
            c.pos,
            `${c.name ?? c.kind} check: add an explain (one sentence the learner reads when it fails)`,
          ),
        );
    if (step.checkpoint !== undefined && step.wrong.length === 0)
      out.push(
        diagnostic(
          file,
          step.checkpointPos ?? step.pos,
          'the checkpoint has no ```wrong block: add a plausible mistake (title, run) that it must reject',
        ),
      );
    out.push(...unsetVariables(file, step));
  }
  return out;
}

/** Names a script assigns: `X=`, `export X=`, `for X in`, `read X`, `jq --arg X`. */
export function assignedNames(script: string): Set<string> {
  const names = new Set<string>();
  const patterns = [
    /(?:^|[\s;&|(`{])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_][A-Za-z0-9_]*)\+?=/gm,
    /\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g,
    /\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_]*)/g,
    /--arg(?:json)?\s+([A-Za-z_][A-Za-z0-9_]*)/g,
  ];
  for (const re of patterns) for (const m of script.matchAll(re)) names.add(m[1] as string);
  return names;
}

function unsetVariables(file: string, step: Step): Diagnostic[] {
  const blocks = step.demo;
  const set = new Set(blocks.flatMap((b) => [...assignedNames(b.text)]));
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  for (const block of blocks) {
    block.text.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        const name = m[1] as string;
        if (set.has(name) || ALWAYS.has(name) || reported.has(name)) continue;
        if (ALWAYS_PREFIXES.some((p) => name.startsWith(p))) continue;
        reported.add(name);
        out.push(
          diagnostic(
            file,
            { line: block.pos.line + 1 + i, col: block.pos.col + (m.index ?? 0) },
            `$${name} is not set in this step: a step must work when opened on its own (jumped to, or after a shell restart), so set it here again`,
          ),
        );
      }
    });
  }
  return out;
}

/**
 * Collects one `## Step: title` section: its prose and its lab blocks, in file order. The
 * YAML blocks (step, quiz, checkpoint) are parsed here so their errors point into the file.
 */
import type { Code } from 'mdast';
import { parseChecks } from '../checks/parse-checks.js';
import { diagnostic, type Diagnostic, type SourcePos } from './diagnostic.js';
import { parseHintCondition } from './hint-condition.js';
import { metaAttribute, startOf } from './mdast-utils.js';
import type { CgroupVersion, CodeBlock, Hint, Step } from './model.js';
import { unknownConcept } from './concepts-message.js';
import { resolveInline } from './modes.js';
import { quizSchema, stepMetaSchema, wrongSchema } from './schema.js';
import { parseYaml, validate } from './yaml-block.js';
import type { LabBlock } from './blocks.js';

export class StepBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly prose: string[] = [];
  private metaSeen = false;
  private checkpointSeen = false;
  /** Checks left out for the other cgroup version: hints that name them are left out too. */
  private readonly otherModeNames = new Set<string>();
  private readonly step: Step;

  constructor(
    private readonly file: string,
    title: string,
    number: number,
    pos: SourcePos,
    private readonly known: Set<string> | undefined,
    private readonly mode: CgroupVersion | undefined = undefined,
  ) {
    this.step = {
      id: slugify(title) || `step-${number}`,
      number,
      title,
      concepts: [],
      commandTimeout: 30,
      prose: '',
      commands: [],
      setup: [],
      cleanup: [],
      solution: [],
      demo: [],
      hints: [],
      quizzes: [],
      wrong: [],
      notes: [],
      checkpoint: undefined,
      checkpointPos: undefined,
      pos,
    };
  }

  addProse(markdown: string): void {
    this.prose.push(markdown);
  }

  addBlock(kind: LabBlock, node: Code): void {
    const pos = startOf(node);
    const text = node.value;
    if (text.trim() === '') {
      if (kind === 'checkpoint') this.checkpointSeen = true;
      this.error(pos, `empty \`\`\`${kind} block`);
      return;
    }
    const written = metaAttribute(node.meta, 'mode');
    const blockMode: CgroupVersion | undefined =
      written === 'v1' || written === 'v2' ? written : undefined;
    if (written !== undefined && blockMode === undefined)
      return this.error(pos, `mode="${written}": a block's mode is v1 or v2 (the cgroup version)`);
    if (blockMode !== undefined && (kind === 'step' || kind === 'checkpoint'))
      return this.error(
        pos,
        `a \`\`\`${kind} block cannot have a mode: give its checks \`mode: ${blockMode}\` instead`,
      );
    // Resolved for one version: the other version's blocks are not part of the step.
    if (this.mode !== undefined && blockMode !== undefined && blockMode !== this.mode) return;
    // The block's text starts on the line after the fence, indented like the fence.
    const origin = { line: pos.line + 1, col: pos.col };
    const block: CodeBlock =
      blockMode === undefined ? { text, pos } : { text, pos, mode: blockMode };
    switch (kind) {
      case 'step':
        return this.addMeta(text, origin, pos);
      case 'sh':
        this.step.commands.push(block);
        this.step.demo.push({ ...block, from: 'sh' });
        return;
      case 'solution':
        this.step.solution.push(block);
        this.step.demo.push({ ...block, from: 'solution' });
        return;
      case 'setup':
        this.step.setup.push(block);
        return;
      case 'cleanup':
        this.step.cleanup.push(block);
        return;
      case 'notes':
        this.step.notes.push(text);
        return;
      case 'hint':
        return this.addHint(text, node.meta, pos);
      case 'quiz':
        return this.addQuiz(text, origin, pos);
      case 'checkpoint':
        return this.addCheckpoint(text, origin, pos);
      case 'wrong':
        return this.addWrong(text, origin, pos);
    }
  }

  finish(): Step {
    this.step.prose = resolveInline(this.prose.join('\n\n').trim(), this.mode);
    this.checkHintNames();
    this.step.hints = this.step.hints.filter(
      (h) => !h.when.some((w) => this.otherModeNames.has(w.check)),
    );
    // A step proves what the learner did (a checkpoint) or what they understood (a quiz).
    if (!this.checkpointSeen && this.step.quizzes.length === 0)
      this.error(
        this.step.pos,
        'the step has no ```checkpoint block: add one that checks the system (or a ```quiz, for a step that only explains)',
      );
    return this.step;
  }

  private addMeta(text: string, origin: SourcePos, pos: SourcePos): void {
    if (this.metaSeen) return this.error(pos, 'a step has at most one ```step block');
    this.metaSeen = true;
    const { parsed, diagnostics } = parseYaml({ file: this.file, text, origin });
    this.diagnostics.push(...diagnostics);
    if (!parsed) return;
    const r = validate(this.file, parsed, stepMetaSchema, 'step');
    this.diagnostics.push(...r.diagnostics);
    if (!r.value) return;
    if (r.value.id !== undefined) this.step.id = r.value.id;
    this.step.concepts = r.value.concepts;
    r.value.concepts.forEach((id, i) => {
      if (this.known !== undefined && !this.known.has(id))
        this.diagnostics.push(
          diagnostic(this.file, parsed.posAt(['concepts', i]), unknownConcept(id)),
        );
    });
    this.step.commandTimeout = r.value.timeout;
  }

  private addHint(text: string, meta: string | null | undefined, pos: SourcePos): void {
    const when = metaAttribute(meta, 'when');
    const hint: Hint = { text: resolveInline(text, this.mode), when: [], pos };
    if (when !== undefined) {
      const cond = parseHintCondition(when);
      if (typeof cond === 'string') return this.error(pos, cond);
      hint.when = cond;
    }
    this.step.hints.push(hint);
  }

  private addQuiz(text: string, origin: SourcePos, pos: SourcePos): void {
    const { parsed, diagnostics } = parseYaml({ file: this.file, text, origin });
    this.diagnostics.push(...diagnostics);
    if (!parsed) return;
    const r = validate(this.file, parsed, quizSchema, 'quiz');
    this.diagnostics.push(...r.diagnostics);
    if (r.value === undefined) return;
    const inline = (t: string): string => resolveInline(t, this.mode);
    this.step.quizzes.push({
      question: inline(r.value.question),
      choices: r.value.choices.map((c) => ({ text: inline(c.text), explain: inline(c.explain) })),
      answer: r.value.answer - 1,
      pos,
    });
  }

  private addWrong(text: string, origin: SourcePos, pos: SourcePos): void {
    const { parsed, diagnostics } = parseYaml({ file: this.file, text, origin });
    this.diagnostics.push(...diagnostics);
    if (!parsed) return;
    const r = validate(this.file, parsed, wrongSchema, 'wrong');
    this.diagnostics.push(...r.diagnostics);
    if (r.value === undefined) return;
    if (this.mode !== undefined && r.value.mode !== undefined && r.value.mode !== this.mode) return;
    this.step.wrong.push({ title: r.value.title, run: r.value.run, undo: r.value.undo, pos });
  }

  private addCheckpoint(text: string, origin: SourcePos, pos: SourcePos): void {
    if (this.checkpointSeen)
      return this.error(pos, 'a step has one ```checkpoint block: put all its checks in one list');
    this.checkpointSeen = true;
    const { parsed, diagnostics } = parseYaml({ file: this.file, text, origin });
    this.diagnostics.push(...diagnostics);
    if (!parsed) return;
    const r = parseChecks(this.file, parsed);
    this.diagnostics.push(...r.diagnostics);
    const all = r.checks ?? [];
    const kept = all
      .filter((c) => this.mode === undefined || c.mode === undefined || c.mode === this.mode)
      .map((c) =>
        c.explain === undefined ? c : { ...c, explain: resolveInline(c.explain, this.mode) },
      );
    if (all.length > 0 && kept.length === 0)
      this.error(
        pos,
        `no check of this checkpoint applies on cgroup ${this.mode ?? ''}: add one for ${this.mode ?? 'it'} (mode: ${this.mode ?? 'v2'}) or one without a mode`,
      );
    for (const c of all)
      if (!kept.some((k) => k.pos === c.pos) && c.name) this.otherModeNames.add(c.name);
    this.step.checkpoint = kept;
    this.step.checkpointPos = pos;
  }

  private checkHintNames(): void {
    // Names of every check, of either version: a hint may name a check of the other one.
    const names = new Set([
      ...(this.step.checkpoint ?? []).flatMap((c) => (c.name ? [c.name] : [])),
      ...this.otherModeNames,
    ]);
    for (const hint of this.step.hints) {
      for (const cond of hint.when) {
        if (!names.has(cond.check))
          this.error(
            hint.pos,
            `hint: when= names "${cond.check}", but this step's checkpoint has no check with that name`,
          );
      }
    }
  }

  private error(pos: SourcePos, message: string): void {
    this.diagnostics.push(diagnostic(this.file, pos, message));
  }
}

export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/**
 * Collects one `## Step: title` section: its prose and its lab blocks, in file order. The
 * YAML blocks (step, quiz, checkpoint) are parsed here so their errors point into the file.
 */
import type { Code } from 'mdast';
import { parseChecks } from '../checks/parse-checks.js';
import { diagnostic, type Diagnostic, type SourcePos } from './diagnostic.js';
import { parseHintCondition } from './hint-condition.js';
import { metaAttribute, startOf } from './mdast-utils.js';
import type { Hint, Step } from './model.js';
import { unknownConcept } from './concepts-message.js';
import { quizSchema, stepMetaSchema } from './schema.js';
import { parseYaml, validate } from './yaml-block.js';
import type { LabBlock } from './blocks.js';

export class StepBuilder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly prose: string[] = [];
  private metaSeen = false;
  private checkpointSeen = false;
  private readonly step: Step;

  constructor(
    private readonly file: string,
    title: string,
    number: number,
    pos: SourcePos,
    private readonly known: Set<string> | undefined,
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
    // The block's text starts on the line after the fence, indented like the fence.
    const origin = { line: pos.line + 1, col: pos.col };
    const block = { text, pos };
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
    }
  }

  finish(): Step {
    this.step.prose = this.prose.join('\n\n').trim();
    this.checkHintNames();
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
    const hint: Hint = { text, when: [], pos };
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
    if (r.value) this.step.quizzes.push({ ...r.value, answer: r.value.answer - 1, pos });
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
    this.step.checkpoint = r.checks ?? [];
    this.step.checkpointPos = pos;
  }

  private checkHintNames(): void {
    const names = new Set((this.step.checkpoint ?? []).flatMap((c) => (c.name ? [c.name] : [])));
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

/**
 * Re-evaluates the open step's checkpoint and says when it passes, so the player can react
 * the moment the learner's system reaches the wanted state. A slow evaluation is never
 * overlapped by the next one.
 *
 * Two ways to know when to look again:
 * - polling (the default): about once a second;
 * - change-driven, when the caller gives a `changes` source (the player: the observer's
 *   process, namespace and cgroup events, and the learner finishing a command in the lab
 *   shell): shortly after each signalled change, at most once per `minGapMs`, and otherwise
 *   only every `fallbackMs` for what no signal covers (a file a script check reads).
 */
import { TypedEmitter } from '../engine/observer/index.js';
import { messageOf } from '../engine/errors.js';
import type { CheckContext } from './checks/context.js';
import { captureBaseline, evaluateCheckpoint } from './checks/evaluate.js';
import type { Check, CheckpointResult } from './checks/types.js';

export interface WatcherEvents {
  /** Every evaluation. */
  result: CheckpointResult;
  /** The checkpoint went from failing (or unknown) to passing. */
  pass: CheckpointResult;
  /** An evaluation could not run at all (not a failed check: those are results). */
  error: string;
}

/** Subscribes to "something the checkpoint may depend on changed"; returns the unsubscribe. */
export type ChangeSource = (onChange: () => void) => () => void;

export interface WatcherOptions {
  checks: readonly Check[];
  context: CheckContext;
  /** Polling period without a change source (default 1000 ms). */
  intervalMs?: number;
  /** Change-driven evaluation instead of polling. */
  changes?: ChangeSource;
  /** With `changes`: how long after a signal to evaluate (default 100 ms: lets a burst settle). */
  settleMs?: number;
  /** With `changes`: the shortest time from one evaluation's start to the next (default 500 ms). */
  minGapMs?: number;
  /** With `changes`: evaluate at least this often all the same (default 5000 ms). */
  fallbackMs?: number;
  /**
   * The context of background evaluations (default `context`): a cheaper look at the same
   * system. Baselines and evaluateNow() use `context`.
   */
  backgroundContext?: CheckContext;
}

export class Watcher extends TypedEmitter<WatcherEvents> {
  private readonly checks: readonly Check[];
  private readonly context: CheckContext;
  private readonly backgroundContext: CheckContext;
  private readonly intervalMs: number;
  private readonly changes: ChangeSource | undefined;
  private readonly settleMs: number;
  private readonly minGapMs: number;
  private readonly fallbackMs: number;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  /** A change was signalled while an evaluation ran: look again after it. */
  private dirty = false;
  private lastStart = 0;
  private passing = false;
  private last: CheckpointResult | undefined;

  constructor(options: WatcherOptions) {
    super();
    this.checks = options.checks;
    this.context = options.context;
    this.backgroundContext = options.backgroundContext ?? options.context;
    this.intervalMs = options.intervalMs ?? 1000;
    this.changes = options.changes;
    this.settleMs = options.settleMs ?? 100;
    this.minGapMs = options.minGapMs ?? 500;
    this.fallbackMs = options.fallbackMs ?? 5000;
  }

  /** The latest result (undefined before the first evaluation). */
  get latest(): CheckpointResult | undefined {
    return this.last;
  }

  /** Captures the "rose" baselines, evaluates at once, then keeps evaluating. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await captureBaseline(this.checks, this.context);
    if (!this.started) return;
    if (this.changes === undefined) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    } else {
      this.unsubscribe = this.changes(() => this.signal());
    }
    await this.tick();
  }

  stop(): void {
    this.started = false;
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      clearTimeout(this.timer);
    }
    if (this.soon !== undefined) clearTimeout(this.soon);
    this.timer = undefined;
    this.soon = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** One evaluation now, of the whole system afresh (the player's "check" key). */
  evaluateNow(): Promise<CheckpointResult> {
    return this.evaluate(this.context);
  }

  private async evaluate(context: CheckContext): Promise<CheckpointResult> {
    const result = await evaluateCheckpoint(this.checks, context);
    this.last = result;
    this.emit('result', result);
    if (result.ok && !this.passing) this.emit('pass', result);
    this.passing = result.ok;
    return result;
  }

  /** Something the checkpoint may depend on changed: evaluate soon. */
  private signal(): void {
    if (!this.started) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    if (this.soon !== undefined) return;
    const wait = Math.max(this.settleMs, this.lastStart + this.minGapMs - Date.now());
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.tick();
    }, wait);
    this.soon.unref();
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.dirty = false;
    this.lastStart = Date.now();
    try {
      await this.evaluate(this.backgroundContext);
    } catch (err) {
      this.emit('error', messageOf(err));
    } finally {
      this.running = false;
    }
    if (this.changes === undefined || !this.started) return;
    // Change-driven: the fallback counts from this evaluation.
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), this.fallbackMs);
    this.timer.unref();
    if (this.dirty) this.signal();
  }
}

/**
 * Re-evaluates the open step's checkpoint about once a second and says when it passes, so
 * the player can react the moment the learner's system reaches the wanted state. A slow
 * evaluation is never overlapped by the next one: ticks are skipped instead.
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

export interface WatcherOptions {
  checks: readonly Check[];
  context: CheckContext;
  intervalMs?: number;
}

export class Watcher extends TypedEmitter<WatcherEvents> {
  private readonly checks: readonly Check[];
  private readonly context: CheckContext;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private passing = false;
  private last: CheckpointResult | undefined;

  constructor(options: WatcherOptions) {
    super();
    this.checks = options.checks;
    this.context = options.context;
    this.intervalMs = options.intervalMs ?? 1000;
  }

  /** The latest result (undefined before the first evaluation). */
  get latest(): CheckpointResult | undefined {
    return this.last;
  }

  /** Captures the "rose" baselines, evaluates at once, then keeps evaluating. */
  async start(): Promise<void> {
    if (this.timer !== undefined) return;
    await captureBaseline(this.checks, this.context);
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    await this.tick();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One evaluation now (also used by the player's "check" key). */
  async evaluateNow(): Promise<CheckpointResult> {
    const result = await evaluateCheckpoint(this.checks, this.context);
    this.last = result;
    this.emit('result', result);
    if (result.ok && !this.passing) this.emit('pass', result);
    this.passing = result.ok;
    return result;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.evaluateNow();
    } catch (err) {
      this.emit('error', messageOf(err));
    } finally {
      this.running = false;
    }
  }
}

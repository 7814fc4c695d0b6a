/** Caffeine's constants: a step is 6.25% of capacity, decays by 2% a period, restarts on a 5-point change. */
const STEP_PERCENT = 0.0625;
const STEP_DECAY_RATE = 0.98;
const RESTART_THRESHOLD = 0.05;

/**
 * Sizes the window of W-TinyLFU by hill climbing on the hit rate, as Caffeine does: after each sample
 * period it steps the window in the direction that last improved the hit rate (and reverses when the
 * rate fell), with steps that shrink while the rate is steady and grow back to full size when it
 * changes sharply (the workload changed). Recency-heavy traces thus get a large window (close to
 * LRU), frequency-heavy ones a small one.
 */
export class HillClimber {
  private readonly fullStep: number;
  private step: number;
  private previousHitRate = 0;

  constructor(capacity: number) {
    this.fullStep = STEP_PERCENT * capacity;
    // The first period shrinks the window, as Caffeine's does: the initial 1% is a guess.
    this.step = -this.fullStep;
  }

  /** Entries to add to the window (negative: to remove) after a period with `hits` and `misses`. */
  adjustment(hits: number, misses: number): number {
    const samples = hits + misses;
    if (samples === 0) return 0;
    const hitRate = hits / samples;
    const change = hitRate - this.previousHitRate;
    const amount = change >= 0 ? this.step : -this.step;
    this.step = Math.abs(change) >= RESTART_THRESHOLD ? (amount >= 0 ? this.fullStep : -this.fullStep) : STEP_DECAY_RATE * amount;
    this.previousHitRate = hitRate;
    return Math.trunc(amount);
  }
}

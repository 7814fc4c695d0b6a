export interface FactoryFailureThrottleOptions {
  /** How long after a failure further attempts answer the stale value without calling the factory. */
  throttleMs: number;
  /** Most keys remembered at once; past it the key throttled longest ago is forgotten first. */
  maxKeys: number;
  now?: () => number;
}

/**
 * Fail-safe without hammering a failing source: once a key's factory failed and its stale value was
 * served, attempts for that key within `throttleMs` answer the stale value again without calling
 * the factory; the first attempt after it calls the factory again. It decides only whether to call:
 * a caller with no stale value at hand (it expired, or its tag was invalidated) calls the factory
 * whatever this says. Memory is bounded: entries end with their window, and at most `maxKeys`
 * are kept (a forgotten key merely gets its factory called once more).
 */
export class FactoryFailureThrottle {
  /** Key to the epoch ms its throttle ends; Map order is the order keys were last throttled. */
  private readonly until = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: FactoryFailureThrottleOptions) {
    if (!Number.isFinite(options.throttleMs) || options.throttleMs < 0) {
      throw new RangeError(`throttleMs must be a finite number >= 0 (got ${String(options.throttleMs)})`);
    }
    if (!Number.isSafeInteger(options.maxKeys) || options.maxKeys < 1) {
      throw new RangeError(`maxKeys must be an integer >= 1 (got ${String(options.maxKeys)})`);
    }
    this.now = options.now ?? Date.now;
  }

  /** Keys currently remembered (some may have ended their window and not been looked at since). */
  get size(): number {
    return this.until.size;
  }

  /** The factory of `key` failed and its stale value was served: throttle it for `throttleMs` (the default when omitted). */
  recordFailure(key: string, throttleMs = this.options.throttleMs): void {
    if (throttleMs <= 0) return;
    const now = this.now();
    this.until.delete(key); // re-inserted last: the Map stays in the order keys were throttled
    this.dropEnded(now);
    while (this.until.size >= this.options.maxKeys) this.until.delete(this.until.keys().next().value!);
    this.until.set(key, now + throttleMs);
  }

  /** Whether attempts for `key` should answer the stale value without calling the factory now. */
  isThrottled(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(key);
    return false;
  }

  /** The factory of `key` succeeded, or its value was written or invalidated: the next attempt calls it. */
  clear(key: string): void {
    this.until.delete(key);
  }

  clearAll(): void {
    this.until.clear();
  }

  /**
   * Drops ended windows from the oldest end, stopping at the first that still runs: with one
   * `throttleMs` that is all of them, and with several the cap still bounds what stays.
   */
  private dropEnded(now: number): void {
    for (const [key, until] of this.until) {
      if (until > now) return;
      this.until.delete(key);
    }
  }
}

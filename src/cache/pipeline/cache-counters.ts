/** The totals `CacheService.stats()` reports, counted by the pipeline's steps. */
export class CacheCounters {
  gets = 0;
  hits = 0;
  misses = 0;
  factoryCalls = 0;
  factoryErrors = 0;
  factoryUncacheable = 0;
  /** Answers served from grace (fail-safe, throttled, soft timeout). */
  stale = 0;
  /** Factory failures and timeouts answered with the stale value instead. */
  factoryStaleServed = 0;
  /** Factories that ran past a soft or hard timeout. */
  factoryTimeouts = 0;

  hit<T>(value: T): T {
    this.hits++;
    return value;
  }

  miss<T>(value: T): T {
    this.misses++;
    return value;
  }
}

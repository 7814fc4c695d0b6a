import { CacheEvents, CacheEventTier } from '../events/cache-events';

/**
 * The totals `CacheService.stats()` reports, counted by the pipeline's steps, and the events
 * (`CacheService.on`) emitted where they are counted.
 */
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
  readonly events = new CacheEvents();
  /** Background refreshes started by a hit past `eagerRefresh x TTL`, and those that failed. */
  eagerRefreshes = 0;
  eagerRefreshErrors = 0;

  hit<T>(value: T): T {
    this.hits++;
    return value;
  }

  miss<T>(value: T): T {
    this.misses++;
    return value;
  }

  /** A hit of `key` in `tier`, told to the `hit` listeners if there are any. */
  hitIn<T>(key: string, tier: CacheEventTier, value: T): T {
    this.hits++;
    if (this.events.listening.hit) this.events.emit('hit', { key, tier });
    return value;
  }

  /** A miss of `key` in every tier, told to the `miss` listeners if there are any. */
  missOf<T>(key: string, value: T): T {
    this.misses++;
    if (this.events.listening.miss) this.events.emit('miss', { key });
    return value;
  }
}

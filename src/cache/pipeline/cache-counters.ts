/** The totals `CacheService.stats()` reports, counted by the pipeline's steps. */
export class CacheCounters {
  gets = 0;
  hits = 0;
  misses = 0;
  factoryCalls = 0;
  factoryErrors = 0;
  factoryUncacheable = 0;
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
}

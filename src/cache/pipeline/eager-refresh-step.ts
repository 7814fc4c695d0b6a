import type { CacheLock } from '../chat-cache.options';
import type { EntryLifetime } from '../util/entry-lifetime';
import type { SharedTier } from '../tiers/shared-tier';
import type { CacheCounters } from './cache-counters';
import type { CacheFactory } from './factory-run';
import type { RefreshStep } from './refresh-step';

/**
 * Eager refresh: a hit past `eagerRefresh x TTL` has already been answered; this reloads the key in
 * the background, once per key in this process (and, with lock 'cluster', once per cluster: the
 * instance that takes the lease refreshes, the others skip without waiting). The value replaces
 * the entry as `refresh` writes it (every instance drops its copy), unless the key is invalidated
 * meanwhile. Its errors reach no caller: they are logged and counted.
 */
export class EagerRefreshStep {
  private readonly running = new Set<string>();

  constructor(
    private readonly refreshes: RefreshStep,
    private readonly shared: SharedTier,
    private readonly counters: CacheCounters,
    private readonly logError: (message: string) => void,
  ) {}

  start<T>(key: string, factory: CacheFactory<T>, lifetime: number | EntryLifetime, tags: readonly string[], lock: CacheLock): void {
    if (this.running.has(key)) return;
    this.running.add(key);
    const refresh = async () => {
      this.counters.eagerRefreshes++;
      await this.refreshes.refresh(key, factory, lifetime, tags, Object.is);
    };
    const run = lock === 'cluster' ? this.shared.runIfLeaseFree(key, refresh) : refresh();
    run
      .catch((error: unknown) => {
        this.counters.eagerRefreshErrors++;
        this.logError(
          `eager refresh of "${key}" failed, the cached value stays: ${error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => this.running.delete(key));
  }

  /** Keys being refreshed in the background now. */
  get size(): number {
    return this.running.size;
  }
}

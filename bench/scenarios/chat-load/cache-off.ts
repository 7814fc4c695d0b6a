import { CacheService } from '../../../src/cache';
import type { CacheFactory, FactoryContext, LoadMissing } from '../../../src/cache';

/**
 * Scenario 15's "cache off": every read-through of CacheService (the HTTP cache's getOrSet and
 * refresh, @Cacheable's getOrSet, CachedSessions' getOrSetMany) calls its loader and keeps
 * nothing, so each request runs the controller, the service and SQLite, as an app without the
 * cache would. Answers keep their bodies and statuses (X-Cache says MISS: the handler ran).
 * Patched on the prototype before the app is built, in the bench server only: the app has no
 * switch of its own for this, and a product flag that turns the cache off would be one more way
 * to misconfigure it.
 */
export function turnCacheOff(): void {
  const context = (): FactoryContext => ({
    stale: undefined,
    setTtlMs: () => undefined,
    setTags: () => undefined,
    skipCache: () => undefined,
  });
  const passThrough = {
    async getOrSet<T>(this: CacheService, _key: string, factory: CacheFactory<T>): Promise<T> {
      return factory(context() as FactoryContext<T>);
    },
    async refresh<T>(this: CacheService, _key: string, factory: CacheFactory<T>): Promise<T> {
      return factory(context() as FactoryContext<T>);
    },
    async getOrSetMany<T>(this: CacheService, keys: readonly string[], loadMissing: LoadMissing<T>): Promise<(T | undefined)[]> {
      const found = await loadMissing([...keys], context());
      return keys.map((key) => found.get(key));
    },
  };
  Object.assign(CacheService.prototype, passThrough);
}

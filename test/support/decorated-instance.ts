import { Logger } from '@nestjs/common';
import { CacheService } from '../../src/cache/cache.service';
import { resolveChatCacheOptions } from '../../src/cache/chat-cache.defaults';
import { CacheErrorLog } from '../../src/cache/decorators/cache-error-log';
import { CachedMethodContext } from '../../src/cache/decorators/cached-method-context';
import { wrapCachedMethod } from '../../src/cache/decorators/wrap-cached-methods';
import { MemoryStore } from '../../src/cache/stores/memory.store';

/** A memory-only CacheService, and its store, for the decorator unit specs. */
export function memoryCache(): { cache: CacheService; memory: MemoryStore } {
  const options = resolveChatCacheOptions({});
  const memory = new MemoryStore({ ...options.memory, defaultTtlMs: options.defaultTtlMs });
  return { cache: new CacheService(options, memory, null), memory };
}

/** What CacheableMethodsExplorer does to a provider instance, with a logger the test can read. */
export function applyCacheDecorators<T extends object>(instance: T, cache: CachedMethodContext['cache']) {
  const logger = { warn: jest.fn() };
  const errors = new CacheErrorLog(logger as unknown as Logger);
  const className = instance.constructor.name;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(instance))) {
    wrapCachedMethod(instance as Record<string, unknown>, name, { cache, errors, className });
  }
  return { instance, errors, logger };
}

/** A CacheService whose every call fails, as a broken cache's would. */
export const failingCache: CachedMethodContext['cache'] = {
  getOrSet: () => Promise.reject(new Error('cache down')),
  set: () => Promise.reject(new Error('cache down')),
  delete: () => Promise.reject(new Error('cache down')),
  invalidateTags: () => Promise.reject(new Error('cache down')),
  invalidatePattern: () => Promise.reject(new Error('cache down')),
};

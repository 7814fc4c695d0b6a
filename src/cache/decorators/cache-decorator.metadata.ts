import type { LoadOptions } from '../pipeline/load-plan';
import type { CacheLock } from '../chat-cache.options';
import { KeyRenderer, TagsRenderer } from './key-source';

/**
 * Metadata keys, set on the decorated method (the function itself, as Nest's SetMetadata does)
 * and read by CacheableMethodsExplorer. Namespaced strings rather than symbols so that they stay
 * readable in Reflect.getMetadataKeys dumps and identical across copies of the module.
 */
export const CACHEABLE_METADATA = 'chat-cache:cacheable';
export const CACHE_PUT_METADATA = 'chat-cache:cache-put';
export const CACHE_EVICT_METADATA = 'chat-cache:cache-evict';

/** The options of getOrSet a decorator passes on as given (grace, jitter, timeouts, throttle), checked when it is applied. */
export type DecoratorLoadOptions = Omit<LoadOptions, 'ttlMs' | 'tags'>;

/** What @Cacheable and each @CachePut store: a key, a TTL and tags, compiled, and getOrSet's other options. */
export interface KeyedCachePlan {
  key: KeyRenderer;
  ttlMs?: number;
  tags?: TagsRenderer;
  load: DecoratorLoadOptions;
}

/** @Cacheable's plan: what getOrSet takes besides the key, TTL and tags. */
export interface CacheablePlan extends KeyedCachePlan {
  eagerRefresh?: number;
  lock?: CacheLock;
}
export type CachePutPlan = KeyedCachePlan;

/** What each @CacheEvict stores (a method may carry several). */
export interface CacheEvictPlan {
  keys: KeyRenderer[];
  tags?: TagsRenderer;
  pattern?: KeyRenderer;
}

/** Appends to a list kept on the method, so that stacked decorators of one kind all apply. */
export function appendMethodMetadata<T>(metadataKey: string, method: object, plan: T): void {
  const existing: T[] = Reflect.getOwnMetadata(metadataKey, method) ?? [];
  Reflect.defineMetadata(metadataKey, [...existing, plan], method);
}

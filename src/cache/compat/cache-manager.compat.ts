import { Cache, createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import type { ResolvedChatCacheOptions } from '../chat-cache.options';
import type { CacheService } from '../cache.service';
import { ChatCacheKeyvStore } from './chat-cache-keyv-store';

/**
 * The cache-manager 7 `Cache` that `CACHE_MANAGER` injects: one Keyv over ChatCacheKeyvStore, so
 * that its `clear()` deletes our prefix only (cache-manager-ioredis-yet's sends FLUSHDB).
 * Keyv's serializer is turned off: values go to CacheService as they are and round-trip exactly.
 * The module's `defaultTtlMs` is cache-manager's default `ttl`; a `ttl` of 0, passed or as the
 * default, never expires, as cache-manager, Keyv and the Nest docs define it.
 */
export function createCompatCacheManager(cache: CacheService, options: ResolvedChatCacheOptions): Cache {
  const keyv = new Keyv({
    store: new ChatCacheKeyvStore(cache),
    namespace: undefined,
    serialize: undefined,
    deserialize: undefined,
    useKeyPrefix: false,
    // What CacheService refuses (a bad key or ttl) is a programming error: reject, as cache-manager's
    // own store errors do, instead of Keyv's default of answering false, which cache-manager ignores.
    throwOnErrors: true,
  });
  return createCache({ stores: [keyv], ttl: options.defaultTtlMs || undefined });
}

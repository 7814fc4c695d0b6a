export { ChatCacheModule } from './chat-cache.module';
export { CHAT_CACHE_OPTIONS, MEMORY_STORE, REDIS_STORE } from './chat-cache.constants';
export type { CacheDriver, ChatCacheOptions, MemoryTierOptions, RedisTierOptions, ResolvedChatCacheOptions } from './chat-cache.options';
export { DEFAULT_MEMORY_POLICY, resolveChatCacheOptions } from './chat-cache.defaults';
export { CacheService } from './cache.service';
export { MAX_PATTERN_LENGTH } from './util/keys';
export type {
  CacheEvent,
  CacheEventListener,
  CacheEventName,
  CacheEventTier,
  CacheFactory,
  CacheGetOrSetOptions,
  CacheLock,
  CacheManyOptions,
  CacheRefreshOptions,
  CacheSetOptions,
  FactoryContext,
  InvalidationListener,
  LoadMissing,
} from './cache.service';
export type { CacheStats } from './cache-stats';
export { CacheTelemetry } from './telemetry/cache-telemetry';
export type { BusDeliveryEvent, CacheTelemetryListener, L2CallEvent, L2Operation, L2Outcome } from './telemetry/cache-telemetry';
export type { InvalidationEvent, InvalidationReason } from './invalidation/invalidation-message';
export { MEMORY_POLICIES, MemoryStore } from './stores/memory.store';
export type { MemoryEntry, MemoryPolicy, MemoryReadOptions, MemoryStoreOptions, MemoryStoreStats } from './stores/memory.store';
export { RedisStore } from './stores/redis.store';
export { CacheCommandTimeoutError, CacheFactoryTimeoutError, CircuitOpenError } from './errors';
/** @deprecated the old name of CircuitOpenError. */
export { CircuitOpenError as RedisUnavailableError } from './errors';
export type { RedisEntry, RedisReadOptions, RedisStoreStats } from './stores/redis.store';
export type { RedisCallStats } from './tiers/redis-call-guard';
export type { EntryLifetime, StoredLifetime } from './util/entry-lifetime';
export { encodeValue, decodeValue } from './stores/value-codec';
export { CACHE_MANAGER } from '@nestjs/cache-manager';
export { ChatCacheKeyvStore } from './compat/chat-cache-keyv-store';
export { Cacheable, CachePut, CacheEvict, CacheableMethodsExplorer } from './decorators';
export type { CacheableOptions, CachePutOptions, CacheEvictOptions, KeySource, TagsSource } from './decorators';
export { HttpCache, HttpCacheInterceptor } from './interceptors';
export type { HttpCacheOptions, HttpCacheOutcome } from './interceptors';

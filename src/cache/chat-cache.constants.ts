/** Injection token of the resolved `ChatCacheOptions` (every default filled in). */
export const CHAT_CACHE_OPTIONS = Symbol('CHAT_CACHE_OPTIONS');
/** Injection token of the process-local `MemoryStore` (the L1 tier). */
export const MEMORY_STORE = Symbol('MEMORY_STORE');
/** Injection token of the `RedisStore` (the L2 tier); `null` when no Redis is configured. */
export const REDIS_STORE = Symbol('REDIS_STORE');

/**
 * Keys of our own bookkeeping live under this namespace inside the prefix; user keys may not
 * start with it, so a user key can never overwrite a tag version.
 */
export const INTERNAL_KEY_NAMESPACE = '__cc:';

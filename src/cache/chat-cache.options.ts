/**
 * How a full L1 picks what to keep: `lru` evicts the least recently used entry; `tinylfu`
 * (W-TinyLFU, as Caffeine) admits an entry into its main space only when it is asked for more
 * often than the entry it would displace.
 */
export type MemoryPolicy = 'lru' | 'tinylfu';

export type CacheDriver = 'memory' | 'redis' | 'hybrid';

/** Who shares a cold key's factory call: this process's callers, or every instance's (a Redis lease). */
export type CacheLock = 'process' | 'cluster';

export interface MemoryTierOptions {
  /** Most entries the L1 tier holds before it evicts the least recently used. */
  maxEntries?: number;
  /** Most estimated bytes the L1 tier holds before it evicts the least recently used. */
  maxBytes?: number;
  /** A value estimated larger than this is not cached in L1 (counted as `oversized`). */
  maxEntryBytes?: number;
  /** How often the background sweeper looks for expired entries. */
  sweepIntervalMs?: number;
  /**
   * What a full L1 keeps: `lru` evicts the least recently used entry; `tinylfu` (W-TinyLFU) keeps
   * entries asked for often, refusing a new one that is asked for less than the one it would
   * displace (a set may then be dropped: L1 is a cache, reads fall back to L2 or the factory).
   * See DEFAULT_MEMORY_POLICY.
   */
  policy?: MemoryPolicy;
}

export interface RedisTierOptions {
  /** `redis://[user:pass@]host:port[/db]` or `rediss://...`. */
  url?: string;
  /** Redis Cluster seed nodes, `host:port`; takes precedence over `url`. */
  clusterNodes?: string[];
  /** Upper bound of every Redis command; a slower one counts as a failure. */
  commandTimeoutMs?: number;
  /** Consecutive failures that open the circuit breaker. */
  circuitFailureThreshold?: number;
  /** How long an open circuit skips Redis before it lets one probe through. */
  circuitOpenMs?: number;
  /** How long boot waits for a first connection before it goes on with L1 alone. */
  connectTimeoutMs?: number;
}

export interface ChatCacheOptions {
  /** `hybrid` when Redis is configured, else `memory`. */
  driver?: CacheDriver;
  /** Every Redis key and pub/sub channel of this cache starts with it. */
  keyPrefix?: string;
  /** TTL of entries set without one; 0 means no expiry. */
  defaultTtlMs?: number;
  memory?: MemoryTierOptions;
  redis?: RedisTierOptions;
  /** Names this process on the invalidation bus; random when unset. */
  instanceId?: string;
  /**
   * How long an entry is kept past its TTL as a stale fallback (fail-safe): a factory that throws or
   * times out then answers it. 0 (the default) drops entries at their TTL. getOrSet's `graceMs` overrides it.
   */
  graceMs?: number;
  /** After a factory failed and its stale value was served, how long the key's factory is not called again. */
  failSafeThrottleMs?: number;
  /** Spreads expiries: each entry lives up to this much longer than its TTL, at random. 0 (the default): none. */
  jitterMs?: number;
  /** getOrSet's `lock` when a call does not say; see DEFAULT_LOCK_WITH_REDIS for the default. */
  lock?: CacheLock;
}

export interface ResolvedChatCacheOptions {
  driver: CacheDriver;
  keyPrefix: string;
  defaultTtlMs: number;
  memory: Required<MemoryTierOptions>;
  redis: Required<Omit<RedisTierOptions, 'url' | 'clusterNodes'>> & {
    url: string | undefined;
    clusterNodes: string[] | undefined;
  };
  instanceId: string;
  graceMs: number;
  failSafeThrottleMs: number;
  jitterMs: number;
  lock: CacheLock;
}

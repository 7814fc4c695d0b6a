/** What a caller of CacheService may say about one call: an entry's lifetime and tags, a load's timeouts. */
import type { CacheLock } from './chat-cache.options';

export interface CacheSetOptions {
  /** Defaults to the module's `defaultTtlMs`; 0 means no expiry. */
  ttlMs?: number;
  /** `invalidateTags` with any of these drops the entry, on every instance. */
  tags?: readonly string[];
  /**
   * How long the entry is kept past its TTL, in both tiers, as the fail-safe's stale fallback
   * (defaults to the module's `graceMs`; 0: none). Invalidating the key or a tag removes it too.
   */
  graceMs?: number;
  /** The entry lives up to this much longer than `ttlMs`, at random, so that entries set together do not expire together (module `jitterMs`). */
  jitterMs?: number;
}

export interface CacheGetOrSetOptions extends CacheSetOptions {
  /**
   * With a stale value at hand (see `graceMs`), answer it after this long; the factory goes on and
   * its value is cached when it lands. Without one, the caller waits (up to `hardTimeoutMs`).
   */
  softTimeoutMs?: number;
  /**
   * Stop waiting for the factory after this long: the stale value if there is one, else a
   * CacheFactoryTimeoutError. The factory goes on, and its value is cached when it lands.
   */
  hardTimeoutMs?: number;
  /** After a failure answered from grace, how long the factory is not called again (module `failSafeThrottleMs`). */
  failSafeThrottleMs?: number;
  /**
   * 0 < r < 1: a hit past r x TTL answers at once and reloads the key in the background, once per
   * key (once per cluster with lock 'cluster'). Unset: no eager refresh.
   */
  eagerRefresh?: number;
  /** Who shares a cold key's factory call: 'process' or 'cluster' (a Redis lease); the module's `lock` by default. */
  lock?: CacheLock;
}

export interface CacheRefreshOptions<T> extends CacheSetOptions {
  /** Whether the stored value and the fresh one are the same answer; defaults to `Object.is`. */
  isUnchanged?: (stored: T, fresh: T) => boolean;
}

/** A cached value and when it expires. */
export interface CacheEntry<T> {
  value: T;
  /** Epoch ms, 0 for never. */
  expiresAt: number;
}

/**
 * Internal (the HTTP cache's `X-Cache: STALE`): passed to getOrSet, it is told whether the answer
 * was a stale value served from grace. An out-parameter rather than another method, so that
 * getOrSet stays the one entry point a test or a wrapper replaces.
 */
export interface LoadOutcome {
  stale: boolean;
}

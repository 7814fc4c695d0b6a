import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { CHAT_CACHE_OPTIONS, INTERNAL_KEY_NAMESPACE, MEMORY_STORE, REDIS_STORE } from './chat-cache.constants';
import type { ResolvedChatCacheOptions } from './chat-cache.options';
import { CacheStats } from './cache-stats';
import { InvalidationBus } from './invalidation/invalidation-bus';
import { InvalidationEvent, InvalidationMessage } from './invalidation/invalidation-message';
import { Announcement, SharedTier } from './resilience/shared-tier';
import { SingleFlight } from './single-flight';
import { CacheTelemetry } from './telemetry/cache-telemetry';
import { MemoryStore } from './stores/memory.store';
import { RedisEntry, RedisStore } from './stores/redis.store';
import { isRepresentable } from './stores/value-codec';
import { isFactoryFailure } from './util/factory-failure';
import { compileGlob } from './util/glob';
import { assertKey, assertPattern, assertTags } from './util/keys';
import { resolveTtlMs } from './util/ttl';

export interface CacheSetOptions {
  /** Defaults to the module's `defaultTtlMs`; 0 means no expiry. */
  ttlMs?: number;
  /** `invalidateTags` with any of these drops the entry, on every instance. */
  tags?: readonly string[];
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

export type InvalidationListener = (event: InvalidationEvent) => void;

const NO_TAGS: readonly string[] = [];

/**
 * The tiered cache: L1 (this process's MemoryStore) in front of L2 (Redis), read as a pipeline
 * L1 -> L2 -> factory. Redis trouble never reaches callers (see SharedTier); writes on one instance
 * make every other instance drop its L1 copy (see InvalidationBus).
 */
@Injectable()
export class CacheService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ChatCache');
  private readonly l1: MemoryStore | undefined;
  private readonly shared: SharedTier | undefined;
  /** Loads through a factory (getOrSet) and plain L2 reads (get), coalesced per key. */
  private readonly loads = new SingleFlight();
  private readonly reads = new SingleFlight();
  /** Reloads that ignore what is cached (see `refresh`), coalesced per key apart from the loads. */
  private readonly refreshes = new SingleFlight();
  private readonly listeners = new Set<InvalidationListener>();
  private counters = {
    gets: 0,
    hits: 0,
    misses: 0,
    factoryCalls: 0,
    factoryErrors: 0,
    factoryUncacheable: 0,
    invalidatedLoads: 0,
    listenerErrors: 0,
  };

  constructor(
    @Inject(CHAT_CACHE_OPTIONS) private readonly options: ResolvedChatCacheOptions,
    @Inject(MEMORY_STORE) memory: MemoryStore,
    @Optional() @Inject(REDIS_STORE) redis: RedisStore | null,
    @Optional() telemetry?: CacheTelemetry,
  ) {
    this.l1 = options.driver === 'redis' ? undefined : memory;
    if (options.driver !== 'memory' && redis) {
      const bus =
        this.l1 === undefined
          ? undefined
          : new InvalidationBus(
              redis,
              redis.fullKey(`${INTERNAL_KEY_NAMESPACE}bus`),
              options.instanceId,
              { onMessage: (message) => this.applyRemote(message), onSubscribed: () => this.dropLocalCopies('reconnect') },
              // Connecting, then one SUBSCRIBE: boot waits no longer than for Redis itself plus one command.
              { bootWaitMs: options.redis.connectTimeoutMs + options.redis.commandTimeoutMs },
              telemetry,
            );
      this.shared = new SharedTier(redis, bus);
    }
  }

  async onModuleInit(): Promise<void> {
    const { driver, keyPrefix, memory } = this.options;
    this.logger.log(
      driver === 'memory'
        ? `cache driver memory: this process only, up to ${memory.maxEntries} entries / ${memory.maxBytes} bytes (set REDIS_URL to share it)`
        : `cache driver ${driver}, keys prefixed "${keyPrefix}"`,
    );
    await this.shared?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shared?.stop();
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    assertKey(key);
    this.counters.gets++;
    const local = this.l1?.get<T>(key);
    if (local !== undefined) return this.hit(local);
    return (await this.readShared<T>(key))?.value;
  }

  /**
   * `get` with the entry's expiry (`expiresAt`, epoch ms, 0 for never), from the tier that answered.
   * Internal: for ChatCacheKeyvStore, which must say when a value expires (cache-manager's `ttl()`,
   * `wrap(..., { raw: true })` and `refreshThreshold` read it).
   */
  async getEntry<T = unknown>(key: string): Promise<CacheEntry<T> | undefined> {
    assertKey(key);
    this.counters.gets++;
    const local = this.l1?.getEntry<T>(key);
    if (local !== undefined) return this.hit(local);
    const entry = await this.readShared<T>(key);
    return entry && { value: entry.value, expiresAt: entry.expiresAt };
  }

  /**
   * The cached value of `key`, or the factory's, cached for next time. Concurrent callers of a
   * cold key share one factory call; its error reaches all of them and nothing is cached. A factory
   * result of `undefined` is returned but not cached (undefined means "no value" to a cache), and so
   * is one no tier can hold (a function or a symbol: counted in `factory.uncacheable`, since the
   * caller asked for a value, not for a check of what its factory returns). A result over
   * `maxEntryBytes` is returned and cached in neither tier.
   */
  async getOrSet<T>(key: string, factory: () => T | Promise<T>, options: CacheSetOptions = {}): Promise<T> {
    assertKey(key);
    const ttlMs = resolveTtlMs(options.ttlMs, this.options.defaultTtlMs);
    const tags = options.tags ?? NO_TAGS;
    assertTags(tags);
    this.counters.gets++;
    const local = this.l1?.get<T>(key);
    if (local !== undefined) return this.hit(local);
    return this.loads.run<T>(key, async (flight) => {
      const stamp = this.l1?.tagStamp();
      const [entry, tagVersions] = this.shared
        ? await Promise.all([this.shared.read<T>(key), this.shared.snapshotTags(tags, ttlMs)])
        : [undefined, undefined];
      if (entry !== undefined) {
        this.keepUnlessInvalidated(flight, () => this.fillL1(key, entry, stamp));
        return this.hit(entry.value);
      }
      this.counters.misses++;
      const value = await this.callFactory(factory);
      if (value === undefined) return value;
      if (!isRepresentable(value)) {
        this.counters.factoryUncacheable++;
        return value;
      }
      this.keepUnlessInvalidated(flight, () => {
        // A value L1 refuses as oversized goes to neither tier.
        if (this.l1?.set(key, value, ttlMs, tags.length > 0 ? { tags, stamp } : undefined) === false) return;
        this.shared?.writeInBackground(key, value, ttlMs, tags, tagVersions, () => this.l1?.delete(key));
      });
      return value;
    });
  }

  /**
   * Stores `value` in every tier; other instances drop their L1 copy. `undefined` deletes. A function
   * or a symbol is refused with a TypeError (no tier could give it back). A value over
   * `maxEntryBytes` is cached in neither tier, and the key's older value is dropped: not an error.
   */
  async set<T>(key: string, value: T, options: CacheSetOptions = {}): Promise<void> {
    assertKey(key);
    const ttlMs = resolveTtlMs(options.ttlMs, this.options.defaultTtlMs);
    const tags = options.tags ?? NO_TAGS;
    assertTags(tags);
    if (value === undefined) {
      await this.delete(key);
      return;
    }
    if (!isRepresentable(value)) throw new TypeError(`cannot cache a ${typeof value} under "${key}": no tier could give it back`);
    this.markLoadsInvalidated([key]);
    // Both tiers are changed in this tick, L1 first: a delete or clear called before this set
    // settles then finds the value in L1 and reaches Redis after it (see WriteOrder). A value L1
    // refuses as oversized goes to neither tier: Redis drops the key's older value instead.
    if (this.l1?.set(key, value, ttlMs, tags.length > 0 ? { tags, stamp: this.l1.tagStamp() } : undefined) === false) {
      await this.shared?.delete([key]);
      return;
    }
    const stored = await this.shared?.write(key, value, ttlMs, tags);
    if (stored === false) this.l1?.delete(key); // Redis refused it as oversized: neither tier keeps it
  }

  /** Deletes keys from every tier on every instance; returns how many existed (in Redis when used). */
  async delete(keys: string | readonly string[]): Promise<number> {
    const list = typeof keys === 'string' ? [keys] : [...keys];
    list.forEach((key) => assertKey(key));
    if (list.length === 0) return 0;
    this.markLoadsInvalidated(list);
    let deleted = 0;
    for (const key of list) if (this.l1?.delete(key)) deleted++;
    if (this.shared) deleted = (await this.shared.delete(list)) ?? deleted;
    this.notify({ keys: list, reason: 'delete' }, 'local');
    return deleted;
  }

  /** Makes every entry carrying one of `tags` stale, in every tier and on every instance, in O(tags). */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    assertTags(tags);
    if (tags.length === 0) return;
    this.l1?.invalidateTags(tags);
    await this.shared?.invalidateTags(tags);
    this.notify({ tags: [...tags], reason: 'tags' }, 'local');
  }

  /** Deletes the keys matching a Redis-style glob, inside the prefix only; returns how many. */
  async invalidatePattern(pattern: string): Promise<number> {
    assertPattern(pattern);
    const glob = compileGlob(pattern);
    this.markLoadsInvalidated([], (key) => glob.matches(key));
    let deleted = this.l1?.deletePattern(pattern) ?? 0;
    if (this.shared) deleted = (await this.shared.deletePattern(pattern)) ?? deleted;
    this.notify({ patterns: [pattern], reason: 'pattern' }, 'local');
    return deleted;
  }

  /** Empties every tier of this cache (our prefix only: other keys in the same Redis are untouched). */
  async clear(): Promise<void> {
    this.markLoadsInvalidated([], () => true);
    this.l1?.clear();
    await this.shared?.clear();
    this.notify({ clear: true, reason: 'clear' }, 'local');
  }

  /**
   * The factory's value, whatever is cached (a client asking for `no-cache`), stored only when it
   * differs from the stored one (`isUnchanged`): a reload that finds what the cache holds costs no
   * delete, no write and no bus message. A changed value is written as `set` writes it (the other
   * instances drop their copies), unless the key or its tags were invalidated while the factory
   * ran, as in getOrSet. Concurrent refreshes of a key share one factory call.
   */
  async refresh<T>(key: string, factory: () => T | Promise<T>, options: CacheRefreshOptions<T> = {}): Promise<T> {
    assertKey(key);
    const ttlMs = resolveTtlMs(options.ttlMs, this.options.defaultTtlMs);
    const tags = options.tags ?? NO_TAGS;
    assertTags(tags);
    const isUnchanged = options.isUnchanged ?? Object.is;
    return this.refreshes.run<T>(key, async (flight) => {
      const stamp = this.l1?.tagStamp();
      const storedLocally = this.l1?.get<T>(key);
      const [storedShared, tagVersions] = this.shared
        ? await Promise.all([storedLocally === undefined ? this.shared.read<T>(key) : undefined, this.shared.snapshotTags(tags, ttlMs)])
        : [undefined, undefined];
      const stored = storedLocally ?? storedShared?.value;
      const value = await this.callFactory(factory);
      if (value === undefined || (stored !== undefined && isUnchanged(stored, value))) return value;
      if (flight.invalidated) {
        this.counters.invalidatedLoads++;
        return value;
      }
      // Loads of the key running meanwhile started before this value: they must not overwrite it.
      this.loads.invalidate([key]);
      this.reads.invalidate([key]);
      // As in `set`: L1 in this tick, then Redis, so that a delete or clear called during the write
      // reaches both tiers after this value (see WriteOrder).
      if (this.l1?.set(key, value, ttlMs, tags.length > 0 ? { tags, stamp } : undefined) === false) {
        await this.shared?.delete([key]); // oversized: neither tier keeps it
        return value;
      }
      const written = await this.shared?.write(key, value, ttlMs, tags, tagVersions);
      if (written === false) this.l1?.delete(key); // oversized for Redis: neither tier keeps it
      return value;
    });
  }

  /**
   * Calls `listener` after every invalidation, local or from another instance; returns the
   * unsubscribe function. A local `set` is a write, not an invalidation, and is not reported here;
   * other instances report it (reason `set`), since it made them drop their copies.
   */
  onInvalidate(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  stats(): CacheStats {
    const { gets, hits, misses, factoryCalls, factoryErrors, factoryUncacheable, invalidatedLoads, listenerErrors } = this.counters;
    const memory = this.l1?.stats();
    const redis = this.shared?.store.stats();
    const shared = this.shared?.stats();
    return {
      driver: this.options.driver,
      instanceId: this.options.instanceId,
      gets,
      hits,
      misses,
      hitRatio: ratio(hits, hits + misses),
      memory: memory ? { ...memory, hitRatio: ratio(memory.hits, memory.hits + memory.misses) } : null,
      redis:
        redis && shared
          ? {
              ...redis,
              hitRatio: ratio(redis.hits, redis.hits + redis.misses),
              failuresAbsorbed: shared.failures,
              repairsPending: shared.repairsPending,
              repairsApplied: shared.repairsApplied,
            }
          : null,
      bus: shared?.bus
        ? { ...shared.bus, lastMessageAgeMs: shared.bus.lastReceivedAt ? Date.now() - shared.bus.lastReceivedAt : null }
        : null,
      singleFlight: {
        joins: this.loads.joins + this.reads.joins + this.refreshes.joins,
        inFlight: this.loads.size + this.reads.size + this.refreshes.size,
        invalidatedLoads,
      },
      factory: { calls: factoryCalls, errors: factoryErrors, uncacheable: factoryUncacheable },
      listenerErrors,
    };
  }

  /** Calls a factory, counting the call and, when it is a real failure (see isFactoryFailure), its error. */
  private async callFactory<T>(factory: () => T | Promise<T>): Promise<T> {
    this.counters.factoryCalls++;
    try {
      return await factory();
    } catch (error) {
      if (isFactoryFailure(error)) this.counters.factoryErrors++;
      throw error;
    }
  }

  private hit<T>(value: T): T {
    this.counters.hits++;
    return value;
  }

  private miss<T>(value: T): T {
    this.counters.misses++;
    return value;
  }

  /** An L2 read after an L1 miss, coalesced per key; counts the hit or miss and fills L1. */
  private readShared<T>(key: string): Promise<RedisEntry<T> | undefined> {
    if (this.shared === undefined || !this.shared.readable) return Promise.resolve(this.miss(undefined));
    return this.reads.run<RedisEntry<T> | undefined>(key, async (flight) => {
      const stamp = this.l1?.tagStamp();
      const entry = await this.shared!.read<T>(key);
      if (entry === undefined) return this.miss(undefined);
      this.keepUnlessInvalidated(flight, () => this.fillL1(key, entry, stamp));
      return this.hit(entry);
    });
  }

  /** An invalidation of the key during a load means its value may predate it: serve it, but do not keep it. */
  private keepUnlessInvalidated(flight: { invalidated: boolean }, keep: () => void): void {
    if (flight.invalidated) this.counters.invalidatedLoads++;
    else keep();
  }

  /** L1 keeps a value from L2 no longer than L2 does. */
  private fillL1<T>(key: string, entry: RedisEntry<T>, stamp: number | undefined): void {
    if (this.l1 === undefined) return;
    const ttlMs = entry.expiresAt === 0 ? 0 : entry.expiresAt - Date.now();
    if (entry.expiresAt !== 0 && ttlMs <= 0) return;
    this.l1.set(key, entry.value, ttlMs, entry.tags ? { tags: entry.tags, stamp } : undefined);
  }

  private markLoadsInvalidated(keys: readonly string[], matches?: (key: string) => boolean): void {
    this.loads.invalidate(keys, matches);
    this.reads.invalidate(keys, matches);
    this.refreshes.invalidate(keys, matches);
  }

  private applyRemote(message: InvalidationMessage): void {
    const l1 = this.l1!;
    if (message.clear) {
      this.dropLocalCopies(message.reason, 'remote');
      return;
    }
    if (message.keys?.length) {
      this.markLoadsInvalidated(message.keys);
      for (const key of message.keys) l1.delete(key);
    }
    if (message.tags?.length) l1.invalidateTags(message.tags);
    for (const pattern of message.patterns ?? []) {
      const glob = compileGlob(pattern);
      this.markLoadsInvalidated([], (key) => glob.matches(key));
      l1.deletePattern(pattern);
    }
    this.notify(message, 'remote');
  }

  /** Drops all of L1, when messages may have been lost (the bus reconnected) or another instance cleared. */
  private dropLocalCopies(reason: InvalidationMessage['reason'], origin: 'local' | 'remote' = 'local'): void {
    this.markLoadsInvalidated([], () => true);
    this.l1?.clear();
    this.notify({ clear: true, reason }, origin);
  }

  private notify(announcement: Announcement, origin: InvalidationEvent['origin']): void {
    if (this.listeners.size === 0) return;
    const event: InvalidationEvent = {
      keys: announcement.keys ?? [],
      tags: announcement.tags ?? [],
      patterns: announcement.patterns ?? [],
      clear: announcement.clear ?? false,
      origin,
      reason: announcement.reason,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.counters.listenerErrors++;
        this.logger.error(`an onInvalidate listener failed: ${(error as Error).message}`);
      }
    }
  }
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

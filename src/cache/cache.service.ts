import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { CHAT_CACHE_OPTIONS, MEMORY_STORE, REDIS_STORE } from './chat-cache.constants';
import type { ResolvedChatCacheOptions } from './chat-cache.options';
import { CacheStats } from './cache-stats';
import { InvalidationListener, InvalidationListeners } from './invalidation/invalidation-listeners';
import { CacheCounters } from './pipeline/cache-counters';
import { CacheFactory, FactoryRunner } from './pipeline/factory-run';
import { InFlightLoads } from './pipeline/in-flight-loads';
import { InvalidateStep } from './pipeline/invalidate-step';
import { LoadSnapshots } from './pipeline/load-snapshot';
import { LoadStep } from './pipeline/load-step';
import { ReadStep } from './pipeline/read-step';
import { RefreshStep } from './pipeline/refresh-step';
import { WriteStep } from './pipeline/write-step';
import { MemoryStore } from './stores/memory.store';
import { RedisStore } from './stores/redis.store';
import { isRepresentable } from './stores/value-codec';
import { CacheTelemetry } from './telemetry/cache-telemetry';
import { traceLoad, traceMemoryHit } from './telemetry/get-or-set-span'; // TRACING
import { tracing } from './telemetry/tracing-switch'; // TRACING
import { createSharedTier } from './tiers/create-shared-tier';
import { LocalTier } from './tiers/local-tier';
import { MemoryTier } from './tiers/memory-tier';
import { NoLocalTier } from './tiers/no-local-tier';
import { SharedTier } from './tiers/shared-tier';
import { assertKey, assertPattern, assertTags } from './util/keys';
import { resolveTtlMs } from './util/ttl';

export type { InvalidationListener } from './invalidation/invalidation-listeners';
export type { CacheFactory, FactoryContext } from './pipeline/factory-run';

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

const NO_TAGS: readonly string[] = [];

/**
 * The tiered cache: L1 (this process's MemoryStore) in front of L2 (Redis), each call a short list
 * of steps (pipeline/). Redis trouble never reaches callers (see RedisTier); writes on one instance
 * make every other instance drop its L1 copy (see InvalidationBus).
 */
@Injectable()
export class CacheService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ChatCache');
  private readonly local: LocalTier;
  private readonly shared: SharedTier;
  private readonly counters = new CacheCounters();
  private readonly flights = new InFlightLoads();
  private readonly listeners = new InvalidationListeners();
  private readonly reads: ReadStep;
  private readonly loads: LoadStep;
  private readonly writes: WriteStep;
  private readonly refreshes: RefreshStep;
  private readonly invalidations: InvalidateStep;
  private readonly snapshots: LoadSnapshots;

  constructor(
    @Inject(CHAT_CACHE_OPTIONS) private readonly options: ResolvedChatCacheOptions,
    @Inject(MEMORY_STORE) memory: MemoryStore,
    @Optional() @Inject(REDIS_STORE) redis: RedisStore | null,
    @Optional() telemetry?: CacheTelemetry,
  ) {
    const hasLocalTier = options.driver !== 'redis';
    this.local = hasLocalTier ? new MemoryTier(memory) : new NoLocalTier();
    this.shared = createSharedTier(
      options,
      redis,
      hasLocalTier,
      {
        onMessage: (message) => this.invalidations.applyRemote(message),
        onSubscribed: () => this.invalidations.dropLocalCopies('reconnect'),
      },
      telemetry,
    );
    const snapshots = (this.snapshots = new LoadSnapshots(this.local, this.shared));
    const factories = new FactoryRunner(this.counters);
    this.writes = new WriteStep(this.local, this.shared);
    this.reads = new ReadStep(this.local, this.shared, snapshots, this.flights, this.counters);
    this.loads = new LoadStep(this.local, this.shared, snapshots, factories, this.writes, this.flights, this.counters);
    this.refreshes = new RefreshStep(this.local, this.shared, snapshots, factories, this.writes, this.flights);
    this.invalidations = new InvalidateStep(this.local, this.shared, this.flights, this.listeners);
  }

  async onModuleInit(): Promise<void> {
    const { driver, keyPrefix, memory } = this.options;
    this.logger.log(
      driver === 'memory'
        ? `cache driver memory: this process only, up to ${memory.maxEntries} entries / ${memory.maxBytes} bytes (set REDIS_URL to share it)`
        : `cache driver ${driver}, keys prefixed "${keyPrefix}"`,
    );
    await this.shared.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shared.stop();
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    assertKey(key);
    this.counters.gets++;
    const local = this.local.get<T>(key);
    if (local !== undefined) return this.counters.hit(local);
    return (await this.reads.read<T>(key))?.value;
  }

  /**
   * `get` with the entry's expiry (`expiresAt`, epoch ms, 0 for never), from the tier that answered.
   * Internal: for ChatCacheKeyvStore, which must say when a value expires (cache-manager's `ttl()`,
   * `wrap(..., { raw: true })` and `refreshThreshold` read it).
   */
  async getEntry<T = unknown>(key: string): Promise<CacheEntry<T> | undefined> {
    assertKey(key);
    this.counters.gets++;
    const local = this.local.getEntry<T>(key);
    if (local !== undefined) return this.counters.hit(local);
    const entry = await this.reads.read<T>(key);
    return entry && { value: entry.value, expiresAt: entry.expiresAt };
  }

  /**
   * The cached value of `key`, or the factory's, cached for next time. Concurrent callers of a
   * cold key share one factory call; its error reaches all of them and nothing is cached. A factory
   * result of `undefined` is returned but not cached (undefined means "no value" to a cache), and so
   * is one no tier can hold (a function or a symbol: counted in `factory.uncacheable`, since the
   * caller asked for a value, not for a check of what its factory returns), and one whose factory
   * called `skipCache()`. A result over `maxEntryBytes` is returned and cached in neither tier.
   */
  async getOrSet<T>(key: string, factory: CacheFactory<T>, options: CacheSetOptions = {}): Promise<T> {
    assertKey(key);
    const { ttlMs, tags } = this.entryOptions(options);
    this.counters.gets++;
    const local = this.local.get<T>(key);
    // TRACING: spans only when the host registered a tracer provider (telemetry/tracing-switch.ts).
    const traced = tracing.on;
    if (local !== undefined) {
      if (traced) traceMemoryHit(key); // TRACING
      return this.counters.hit(local);
    }
    if (traced) return traceLoad(key, () => this.loads.load(key, factory, ttlMs, tags)); // TRACING
    return this.loads.load(key, factory, ttlMs, tags);
  }

  /**
   * Stores `value` in every tier; other instances drop their L1 copy. `undefined` deletes. A function
   * or a symbol is refused with a TypeError (no tier could give it back). A value over
   * `maxEntryBytes` is cached in neither tier, and the key's older value is dropped: not an error.
   */
  async set<T>(key: string, value: T, options: CacheSetOptions = {}): Promise<void> {
    assertKey(key);
    const { ttlMs, tags } = this.entryOptions(options);
    if (value === undefined) {
      await this.delete(key);
      return;
    }
    if (!isRepresentable(value)) throw new TypeError(`cannot cache a ${typeof value} under "${key}": no tier could give it back`);
    this.flights.invalidate([key]);
    await this.writes.write(key, value, ttlMs, tags, this.snapshots.now());
  }

  /** Deletes keys from every tier on every instance; returns how many existed (in Redis when used). */
  async delete(keys: string | readonly string[]): Promise<number> {
    const list = typeof keys === 'string' ? [keys] : [...keys];
    list.forEach((key) => assertKey(key));
    if (list.length === 0) return 0;
    return this.invalidations.delete(list);
  }

  /** Makes every entry carrying one of `tags` stale, in every tier and on every instance, in O(tags). */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    assertTags(tags);
    if (tags.length === 0) return;
    await this.invalidations.invalidateTags(tags);
  }

  /** Deletes the keys matching a Redis-style glob, inside the prefix only; returns how many. */
  async invalidatePattern(pattern: string): Promise<number> {
    assertPattern(pattern);
    return this.invalidations.deletePattern(pattern);
  }

  /** Empties every tier of this cache (our prefix only: other keys in the same Redis are untouched). */
  async clear(): Promise<void> {
    await this.invalidations.clear();
  }

  /**
   * The factory's value, whatever is cached (a client asking for `no-cache`), stored only when it
   * differs from the stored one (`isUnchanged`): a reload that finds what the cache holds costs no
   * delete, no write and no bus message. A changed value is written as `set` writes it (the other
   * instances drop their copies), unless the key or its tags were invalidated while the factory
   * ran, as in getOrSet. Concurrent refreshes of a key share one factory call.
   */
  async refresh<T>(key: string, factory: CacheFactory<T>, options: CacheRefreshOptions<T> = {}): Promise<T> {
    assertKey(key);
    const { ttlMs, tags } = this.entryOptions(options);
    return this.refreshes.refresh(key, factory, ttlMs, tags, options.isUnchanged ?? Object.is);
  }

  /**
   * Calls `listener` after every invalidation, local or from another instance; returns the
   * unsubscribe function. A local `set` is a write, not an invalidation, and is not reported here;
   * other instances report it (reason `set`), since it made them drop their copies.
   */
  onInvalidate(listener: InvalidationListener): () => void {
    return this.listeners.add(listener);
  }

  stats(): CacheStats {
    const { gets, hits, misses, factoryCalls, factoryErrors, factoryUncacheable } = this.counters;
    const memory = this.local.stats();
    const shared = this.shared.stats();
    return {
      driver: this.options.driver,
      instanceId: this.options.instanceId,
      gets,
      hits,
      misses,
      hitRatio: ratio(hits, hits + misses),
      memory: memory ? { ...memory, hitRatio: ratio(memory.hits, memory.hits + memory.misses) } : null,
      redis: shared
        ? {
            ...shared.redis,
            hitRatio: ratio(shared.redis.hits, shared.redis.hits + shared.redis.misses),
            failuresAbsorbed: shared.failures,
            repairsPending: shared.repairsPending,
            repairsApplied: shared.repairsApplied,
          }
        : null,
      bus: shared?.bus
        ? { ...shared.bus, lastMessageAgeMs: shared.bus.lastReceivedAt ? Date.now() - shared.bus.lastReceivedAt : null }
        : null,
      singleFlight: { joins: this.flights.joins, inFlight: this.flights.size, invalidatedLoads: this.flights.invalidatedLoads },
      factory: { calls: factoryCalls, errors: factoryErrors, uncacheable: factoryUncacheable },
      listenerErrors: this.listeners.errors,
    };
  }

  /** The TTL and tags of an entry, checked, with the module's defaults. */
  private entryOptions(options: CacheSetOptions): { ttlMs: number; tags: readonly string[] } {
    const ttlMs = resolveTtlMs(options.ttlMs, this.options.defaultTtlMs);
    const tags = options.tags ?? NO_TAGS;
    assertTags(tags);
    return { ttlMs, tags };
  }
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

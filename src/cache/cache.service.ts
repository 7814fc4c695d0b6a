import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { CHAT_CACHE_OPTIONS, MEMORY_STORE, REDIS_STORE } from './chat-cache.constants';
import type { ResolvedChatCacheOptions } from './chat-cache.options';
import { CacheStats } from './cache-stats';
import { InvalidationListener, InvalidationListeners } from './invalidation/invalidation-listeners';
import type { CacheEventListener, CacheEventName } from './events/cache-events';
import { emitInvalidation } from './events/invalidation-events';
import { scopedListener } from './events/scoped-listener';
import { CacheCounters } from './pipeline/cache-counters';
import { EagerRefreshStep } from './pipeline/eager-refresh-step';
import { CacheFactory, FactoryRunner } from './pipeline/factory-run';
import { InFlightLoads } from './pipeline/in-flight-loads';
import { InvalidateStep } from './pipeline/invalidate-step';
import { loaderInScope, LoadManyStep, LoadMissing } from './pipeline/load-many-step';
import { localFirst } from './pipeline/local-first';
import { LoadSnapshots } from './pipeline/load-snapshot';
import { lifetimeOf, type EntryPlan, resolveEntryPlan, resolveLoadPlan } from './pipeline/load-plan';
import { LoadStep } from './pipeline/load-step';
import type { PipelineParts } from './pipeline/pipeline-parts';
import { ReadStep } from './pipeline/read-step';
import { RefreshStep } from './pipeline/refresh-step';
import { WriteStep } from './pipeline/write-step';
import { FactoryFailureThrottle } from './resilience/factory-failure-throttle';
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
import { isPastRefreshAge } from './util/entry-lifetime';
import { KeyScope } from './util/key-scope';
import { assertKey, assertKeys, assertPattern, assertTags } from './util/keys';
import { assertEagerRefresh, assertLock } from './util/load-options';
import type { CacheEntry, CacheGetOrSetOptions, CacheRefreshOptions, CacheSetOptions, LoadOutcome } from './cache-call-options';

export type { CacheEntry, CacheGetOrSetOptions, CacheRefreshOptions, CacheSetOptions, LoadOutcome } from './cache-call-options';
export type { InvalidationListener } from './invalidation/invalidation-listeners';
export type { CacheFactory, FactoryContext } from './pipeline/factory-run';
export type { CacheEvent, CacheEventListener, CacheEventName, CacheEventTier } from './events/cache-events';
export type { LoadMissing } from './pipeline/load-many-step';

export interface CacheManyOptions {
  /** Defaults to the module's `defaultTtlMs`; 0 means no expiry. */
  ttlMs?: number;
  /** The same tags for every key, or each key's own (called once per key loaded, with the key as given). */
  tags?: readonly string[] | ((key: string) => readonly string[]);
}

export type { CacheLock } from './chat-cache.options';

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
  private readonly eagerRefreshes: EagerRefreshStep;
  private readonly invalidations: InvalidateStep;
  private readonly snapshots: LoadSnapshots;
  private readonly throttle: FactoryFailureThrottle;
  private readonly batchLoads: LoadManyStep;
  /** Where this view's keys live: the root, or a namespace (see `namespace`). */
  private readonly scope: KeyScope = KeyScope.ROOT;

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
    this.snapshots = new LoadSnapshots(this.local, this.shared);
    this.writes = new WriteStep(this.local, this.shared);
    const parts: PipelineParts = {
      local: this.local,
      shared: this.shared,
      snapshots: this.snapshots,
      factories: new FactoryRunner(this.counters),
      writes: this.writes,
      flights: this.flights,
      counters: this.counters,
    };
    this.reads = new ReadStep(parts);
    this.throttle = new FactoryFailureThrottle({ throttleMs: options.failSafeThrottleMs, maxKeys: options.memory.maxEntries });
    this.loads = new LoadStep(parts, this.throttle);
    this.refreshes = new RefreshStep(parts);
    this.eagerRefreshes = new EagerRefreshStep(this.refreshes, this.shared, this.counters, (message) => this.logger.error(message));
    this.invalidations = new InvalidateStep(this.local, this.shared, this.flights, this.listeners);
    this.batchLoads = new LoadManyStep(parts);
    this.listeners.add((invalidation) => emitInvalidation(this.counters.events, invalidation));
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
    key = this.scope.key(key);
    this.counters.gets++;
    const local = this.local.get<T>(key);
    if (local !== undefined) return this.counters.hitIn(key, 'memory', local);
    return (await this.reads.read<T>(key))?.value;
  }

  /**
   * The values of `keys` in order, undefined for misses: L1 first, then one round trip to Redis for
   * the rest (one MGET per hash slot on a cluster), found values kept in L1, as `get` does.
   */
  async getMany<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    assertKeys(keys);
    return localFirst<T>(this.local, this.counters, this.scope.keys(keys), async (missing) =>
      (await this.reads.readMany<T>(missing)).map((entry) => entry?.value),
    );
  }

  /**
   * `get` with the entry's expiry (`expiresAt`, epoch ms, 0 for never), from the tier that answered.
   * Internal: for ChatCacheKeyvStore, which must say when a value expires (cache-manager's `ttl()`,
   * `wrap(..., { raw: true })` and `refreshThreshold` read it).
   */
  async getEntry<T = unknown>(key: string): Promise<CacheEntry<T> | undefined> {
    assertKey(key);
    key = this.scope.key(key);
    this.counters.gets++;
    const local = this.local.getEntry<T>(key);
    if (local !== undefined) return this.counters.hitIn(key, 'memory', local);
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
   * With `graceMs`, a failing or slow factory answers the stale value instead (see the options and LoadStep).
   */
  async getOrSet<T>(key: string, factory: CacheFactory<T>, options: CacheGetOrSetOptions = {}, outcome?: LoadOutcome): Promise<T> {
    assertKey(key);
    key = this.scope.key(key);
    const plan = this.inScope(resolveLoadPlan(options, this.options));
    const { eagerRefresh } = options;
    assertEagerRefresh(eagerRefresh, 'getOrSet');
    assertLock(options.lock, 'getOrSet');
    const lock = options.lock ?? this.options.lock;
    this.counters.gets++;
    // TRACING: spans only when the host registered a tracer provider (telemetry/tracing-switch.ts).
    const traced = tracing.on;
    if (eagerRefresh === undefined) {
      const local = this.local.get<T>(key);
      if (local !== undefined) {
        if (traced) traceMemoryHit(key); // TRACING
        return this.counters.hitIn(key, 'memory', local);
      }
    } else {
      const local = this.local.getEntry<T>(key);
      if (local !== undefined) {
        if (traced) traceMemoryHit(key); // TRACING
        if (isPastRefreshAge(local, eagerRefresh, this.local.nowMs()))
          this.eagerRefreshes.start(key, factory, lifetimeOf(plan, plan.ttlMs), plan.tags, lock);
        return this.counters.hitIn(key, 'memory', local.value);
      }
    }
    const load = () => this.loads.loadEntry(key, factory, plan, lock);
    const loaded = await (traced ? traceLoad(key, load) : load()); // TRACING
    if (outcome) outcome.stale = loaded.stale;
    return loaded.value;
  }

  /**
   * `getOrSet` of many keys, values in order: what the tiers lack is loaded by ONE `loadMissing`
   * call with the missing keys, answering a Map of those it found; a key it leaves out is answered
   * undefined and not cached. Each key is single-flight with getOrSet: a key already being loaded
   * joins that load (and is not passed to `loadMissing`), and a getOrSet of a key this batch loads
   * joins it. A failing `loadMissing` rejects the call, nothing is cached. `context.skipCache()`
   * applies to the whole batch.
   */
  async getOrSetMany<T>(keys: readonly string[], loadMissing: LoadMissing<T>, options: CacheManyOptions = {}): Promise<(T | undefined)[]> {
    assertKeys(keys);
    const { ttlMs } = this.entryOptions({ ttlMs: options.ttlMs });
    const tagsOf = this.batchTags(options.tags);
    const load = this.scope.prefix === '' ? loadMissing : loaderInScope(this.scope, loadMissing);
    return localFirst<T>(this.local, this.counters, this.scope.keys(keys), (missing) =>
      this.batchLoads.loadMany<T>(missing, load, ttlMs, tagsOf),
    );
  }

  /**
   * Stores `value` in every tier; other instances drop their L1 copy. `undefined` deletes. A function
   * or a symbol is refused with a TypeError (no tier could give it back). A value over
   * `maxEntryBytes` is cached in neither tier, and the key's older value is dropped: not an error.
   */
  async set<T>(key: string, value: T, options: CacheSetOptions = {}): Promise<void> {
    assertKey(key);
    const plan = this.entryOptions(options);
    if (value === undefined) {
      await this.delete(key);
      return;
    }
    if (!isRepresentable(value)) throw new TypeError(`cannot cache a ${typeof value} under "${key}": no tier could give it back`);
    key = this.scope.key(key);
    this.flights.invalidate([key]);
    await this.writes.write(key, value, lifetimeOf(plan, plan.ttlMs), plan.tags, this.snapshots.now());
    if (this.counters.events.listening.set) this.counters.events.emit('set', { key });
  }

  /** Deletes keys from every tier on every instance; returns how many existed (in Redis when used). */
  async delete(keys: string | readonly string[]): Promise<number> {
    const list = typeof keys === 'string' ? [keys] : [...keys];
    list.forEach((key) => assertKey(key));
    if (list.length === 0) return 0;
    return this.invalidations.delete(this.scope.keys(list));
  }

  /** Makes every entry carrying one of `tags` stale, in every tier and on every instance, in O(tags). */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    assertTags(tags);
    if (tags.length === 0) return;
    await this.invalidations.invalidateTags(this.scope.tags(tags));
  }

  /** Deletes the keys matching a Redis-style glob, inside the prefix only; returns how many. */
  async invalidatePattern(pattern: string): Promise<number> {
    assertPattern(pattern);
    pattern = this.scope.pattern(pattern);
    assertPattern(pattern);
    return this.invalidations.deletePattern(pattern);
  }

  /**
   * Empties every tier of this cache (our prefix only: other keys in the same Redis are untouched).
   * A namespace's clears that namespace only: L1 and L2 by its prefix, the other instances' L1 by
   * the bus (a pattern message).
   */
  async clear(): Promise<void> {
    if (this.scope.prefix === '') await this.invalidations.clear();
    else await this.invalidations.deletePattern(this.scope.pattern('*'));
  }

  /**
   * A view of this cache whose keys (and tags, and patterns) live under `<name>:`, sharing its tiers,
   * bus, counters and loads; `clear()` clears that namespace only. A namespace of a namespace lives
   * under `<outer>:<name>:`. Names are letters, digits, `_`, `.`, `-` (see assertNamespaceName).
   */
  namespace(name: string): CacheService {
    const scope = this.scope.child(name);
    this.counters.events.addNamespace(scope.name!);
    // The same instance underneath (tiers, steps, counters), with its own scope: a view, not a copy.
    const view = Object.create(this) as CacheService;
    Object.defineProperty(view, 'scope', { value: scope });
    return view;
  }

  /**
   * Calls `listener` on every `event` (hit, miss, stale, set, delete, invalidate, factory-error,
   * timeout) of this cache (of a namespace: of its keys, relative to it); returns the unsubscribe
   * function. A listener that throws fails nothing (counted in `stats().listenerErrors`).
   */
  on(event: CacheEventName, listener: CacheEventListener): () => void {
    return this.counters.events.on(event, this.scope.prefix === '' ? listener : scopedListener(this.scope, listener));
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
    const plan = this.entryOptions(options);
    return this.refreshes.refresh(this.scope.key(key), factory, lifetimeOf(plan, plan.ttlMs), plan.tags, options.isUnchanged ?? Object.is);
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
    const { gets, hits, misses, stale, factoryCalls, factoryErrors, factoryUncacheable, factoryStaleServed, factoryTimeouts } =
      this.counters;
    const { eagerRefreshes, eagerRefreshErrors } = this.counters;
    const memory = this.local.stats();
    const shared = this.shared.stats();
    return {
      driver: this.options.driver,
      instanceId: this.options.instanceId,
      gets,
      hits,
      misses,
      hitRatio: ratio(hits, hits + misses),
      stale,
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
      factory: {
        calls: factoryCalls,
        errors: factoryErrors,
        uncacheable: factoryUncacheable,
        staleServed: factoryStaleServed,
        timeouts: factoryTimeouts,
      },
      eagerRefresh: { started: eagerRefreshes, errors: eagerRefreshErrors },
      listenerErrors: this.listeners.errors + this.counters.events.errors,
    };
  }

  /** The TTL, grace, jitter and tags of an entry, checked, with the module's defaults, in this view's scope. */
  private entryOptions(options: CacheSetOptions): EntryPlan {
    return this.inScope(resolveEntryPlan(options, this.options));
  }

  /** A plan's tags in this view's scope (a namespace's tags live under its name, as its keys do). */
  private inScope<P extends EntryPlan>(plan: P): P {
    return this.scope.prefix === '' ? plan : { ...plan, tags: this.scope.tags(plan.tags) };
  }

  /** The tags of each key of a getOrSetMany, checked when a key is loaded, in this view's scope. */
  private batchTags(tags: CacheManyOptions['tags']): (key: string) => readonly string[] {
    if (typeof tags !== 'function') {
      const same = this.entryOptions({ tags }).tags;
      return () => same;
    }
    return (key) => this.entryOptions({ tags: tags(this.scope.relative(key)) }).tags;
  }
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

import { Logger } from '@nestjs/common';
import type { CacheLock } from '../chat-cache.options';
import { CacheFactoryTimeoutError } from '../errors';
import type { FactoryFailureThrottle } from '../resilience/factory-failure-throttle';
import { isRepresentable } from '../stores/value-codec';
import { currentLoadTrace, traceFactory } from '../telemetry/get-or-set-span'; // TRACING
import { FactoryOutcome, isFactoryFailure } from '../util/factory-failure';
import type { CacheFactory, FactoryResult } from './factory-run';
import type { CacheEventName, CacheEventTier } from '../events/cache-events';
import { lifetimeOf, longestLifetimeOf, type LoadPlan } from './load-plan';
import type { LoadSnapshot } from './load-snapshot';
import type { PipelineParts } from './pipeline-parts';

/** A load's answer, and whether it is a stale value served from grace. */
export interface LoadedValue<T> {
  value: T;
  stale: boolean;
  /** Settles once L2 holds the value (at once when it is not to be cached): a lease holder releases then. */
  stored?: Promise<void>;
}

/** A stale value at hand for a load, and the tier that kept it. */
interface Fallback<T> {
  value: T;
  tier: 'memory' | 'redis';
}

/** What a load that stores nothing waits for. */
const NOTHING_STORED: Promise<void> = Promise.resolve();

/**
 * A getOrSet after an L1 miss, coalesced per key: L2 (with the load's snapshot), else the factory,
 * then its value into both tiers. Where a load grows (grace, timeouts, the cluster lease), it
 * grows here.
 *
 * Fail-safe (a plan with `graceMs`): both tiers are read allowing stale entries, and a stale one is
 * the fallback. With a fallback, a factory that fails (isFactoryFailure: not an HttpException
 * below 500) or runs past the soft or hard timeout answers it; a failure is logged and throttles
 * the key for `failSafeThrottleMs` (the fallback is answered without calling the factory then), and
 * a factory past its timeout goes on, its value cached when it lands (unless the key was
 * invalidated meanwhile). Without a fallback, only the hard timeout applies and rejects with
 * CacheFactoryTimeoutError. An invalidated key or tag leaves no stale copy, so no fallback.
 */
export class LoadStep {
  private readonly logger = new Logger('ChatCache');

  constructor(
    private readonly parts: PipelineParts,
    private readonly throttle: FactoryFailureThrottle,
  ) {}

  async load<T>(key: string, factory: CacheFactory<T>, plan: LoadPlan, lock: CacheLock = 'process'): Promise<T> {
    return (await this.loadEntry(key, factory, plan, lock)).value;
  }

  loadEntry<T>(key: string, factory: CacheFactory<T>, plan: LoadPlan, lock: CacheLock = 'process'): Promise<LoadedValue<T>> {
    return this.parts.flights.loads.run<LoadedValue<T>>(key, async (flight) => {
      const failSafe = plan.graceMs > 0;
      const local = failSafe ? this.parts.local.getEntry<T>(key, { allowStale: true }) : undefined;
      if (local !== undefined && !local.stale) return { value: this.parts.counters.hitIn(key, 'memory', local.value), stale: false };
      // The snapshot goes out with the read, and the read checks the entry's tags against it: one
      // round trip for a tagged entry instead of two (its GET, then its tags' versions).
      const taken = this.parts.snapshots.take(plan.tags, longestLifetimeOf(plan, plan.ttlMs));
      const tagVersions = plan.tags.length > 0 ? { tags: plan.tags, versions: taken.then((s) => s.tagVersions) } : undefined;
      const [entry, snapshot] = await Promise.all([
        this.parts.shared.read<T>(key, failSafe || tagVersions ? { allowStale: failSafe, tagVersions } : undefined),
        taken,
      ]);
      if (entry !== undefined) this.parts.flights.keepUnlessInvalidated(flight, () => this.parts.local.fill(key, entry, snapshot.stamp));
      if (entry !== undefined && !entry.stale) {
        currentLoadTrace()?.answered('redis', 'hit'); // TRACING
        return { value: this.parts.counters.hitIn(key, 'redis', entry.value), stale: false };
      }
      this.parts.counters.missOf(key, undefined);
      const fallback: Fallback<T> | undefined =
        entry !== undefined
          ? { value: entry.value, tier: 'redis' }
          : local !== undefined
            ? { value: local.value, tier: 'memory' }
            : undefined;
      // A source that just failed, or whose factory is still running late, is not asked again meanwhile.
      if (fallback && (this.throttle.isThrottled(key) || this.parts.flights.lateFactories.get(key) !== undefined)) {
        return this.serveStale(key, fallback);
      }
      const callFactory = () => this.callFactory(key, factory, plan, snapshot, fallback, () => flight.invalidated);
      if (lock === 'process') return callFactory();
      // --- lock 'cluster': between the L2 miss and the factory, one factory call across the instances.
      let own: LoadedValue<T> | undefined;
      const leaseStartedAt = performance.now();
      const value = await this.parts.shared.loadUnderLease<T>(key, {
        // Fresh only: a stale value is this load's fallback, not another instance's answer.
        readLanded: async () => {
          const landed = await this.parts.shared.read<T>(key);
          if (landed === undefined) return undefined;
          this.parts.flights.keepUnlessInvalidated(flight, () => this.parts.local.fill(key, landed, snapshot.stamp));
          return landed.value;
        },
        // The holder's release wakes the waiters, who read L2: it comes only once L2 holds the value.
        loadAndStore: async () => {
          own = await callFactory();
          await own.stored;
          return own.value;
        },
      });
      if (own !== undefined) return own;
      currentLoadTrace()?.waitedForLock(performance.now() - leaseStartedAt); // TRACING: another instance loaded it
      return { value, stale: false };
      // --- end of lock 'cluster'
    });
  }

  private async callFactory<T>(
    key: string,
    factory: CacheFactory<T>,
    plan: LoadPlan,
    snapshot: LoadSnapshot,
    fallback: Fallback<T> | undefined,
    invalidated: () => boolean,
  ): Promise<LoadedValue<T>> {
    // With a fallback at hand the soft timeout applies (the hard one if shorter); without, only the hard one.
    const soft =
      fallback !== undefined &&
      plan.softTimeoutMs !== undefined &&
      (plan.hardTimeoutMs === undefined || plan.softTimeoutMs <= plan.hardTimeoutMs);
    const timeoutMs = soft ? plan.softTimeoutMs : plan.hardTimeoutMs;
    let run;
    try {
      run = await traceFactory(() => this.parts.factories.runWithin(factory, fallback?.value, timeoutMs, [key])); // TRACING: tier, factory duration
    } catch (error) {
      if (fallback === undefined || !isFactoryFailure(error)) throw error;
      this.absorbFailure(key, error, plan);
      return this.serveStale(key, fallback);
    }
    if (run.settled) {
      this.throttle.clear(key);
      const stored = this.keep(key, run.result, plan, snapshot, invalidated());
      return { value: run.result.value, stale: false, stored };
    }
    this.parts.counters.factoryTimeouts++;
    this.emit('timeout', key);
    this.finishLate(key, run.pending, plan, snapshot, invalidated);
    if (fallback === undefined) throw new CacheFactoryTimeoutError(key, run.timeoutMs);
    this.parts.counters.factoryStaleServed++;
    return this.serveStale(key, fallback);
  }

  /**
   * A factory that failed with a fallback at hand: logged once per throttle window (no call is
   * made within it, so no second log), counted, and the key throttled.
   */
  private absorbFailure(key: string, error: unknown, plan: LoadPlan): void {
    this.parts.counters.factoryStaleServed++;
    this.throttle.recordFailure(key, plan.failSafeThrottleMs);
    const thrown = error instanceof FactoryOutcome ? error.error : error;
    this.logger.warn(
      `factory of "${key}" failed (${describe(thrown)}): answering its stale value` +
        (plan.failSafeThrottleMs > 0 ? `, next attempt in ${plan.failSafeThrottleMs} ms at the earliest` : ''),
    );
  }

  /** A factory past its timeout goes on: its value is cached when it lands, unless the key was invalidated since its load began. */
  private finishLate<T>(
    key: string,
    pending: Promise<FactoryResult<T>>,
    plan: LoadPlan,
    snapshot: LoadSnapshot,
    invalidated: () => boolean,
  ): void {
    void this.parts.flights.lateFactories.run(key, (late) =>
      pending.then(
        (result) => {
          this.throttle.clear(key);
          this.keep(key, result, plan, snapshot, invalidated() || late.invalidated);
        },
        () => undefined, // counted by the runner; its callers have had their answer
      ),
    );
  }

  /** A factory's value into both tiers, with the TTL and tags it asked for, unless it must not be kept. */
  private keep<T>(key: string, result: FactoryResult<T>, plan: LoadPlan, snapshot: LoadSnapshot, invalidated: boolean): Promise<void> {
    const { value, skipped } = result;
    if (skipped || value === undefined) return NOTHING_STORED;
    if (!isRepresentable(value)) {
      this.parts.counters.factoryUncacheable++;
      return NOTHING_STORED;
    }
    if (invalidated) {
      // Its value may predate the invalidation: served, not kept.
      this.parts.flights.invalidatedLoads++;
      return NOTHING_STORED;
    }
    const ttlMs = result.ttlMs ?? plan.ttlMs;
    // The snapshot's tag versions were taken for the load's tags and lifetime: other tags, or a
    // longer life than they were kept for, and the write takes versions of its own.
    const ownVersions = result.tags !== undefined || (result.ttlMs !== undefined && (ttlMs === 0 || ttlMs > plan.ttlMs));
    const written = ownVersions ? { stamp: snapshot.stamp, tagVersions: undefined } : snapshot;
    const stored = this.parts.writes.fill(key, value, lifetimeOf(plan, ttlMs), result.tags ?? plan.tags, written);
    if (this.parts.counters.events.listening.set) this.parts.counters.events.emit('set', { key });
    return stored;
  }

  private serveStale<T>(key: string, fallback: Fallback<T>): LoadedValue<T> {
    this.parts.counters.stale++;
    currentLoadTrace()?.answered(fallback.tier, 'stale'); // TRACING
    this.emit('stale', key, fallback.tier);
    return { value: fallback.value, stale: true };
  }

  /** The one place a load reports an event (`CacheService.on`); free when nobody listens. */
  private emit(event: Extract<CacheEventName, 'stale' | 'timeout'>, key: string, tier?: CacheEventTier): void {
    if (this.parts.counters.events.listening[event]) this.parts.counters.events.emit(event, { key, tier });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

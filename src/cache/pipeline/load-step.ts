import type { CacheLock } from '../chat-cache.options';
import { isRepresentable } from '../stores/value-codec';
import type { SharedTier } from '../tiers/shared-tier';
import type { Flight } from '../single-flight';
import type { CacheCounters } from './cache-counters';
import type { CacheFactory, FactoryRunner } from './factory-run';
import type { InFlightLoads } from './in-flight-loads';
import type { LoadSnapshot, LoadSnapshots } from './load-snapshot';
import type { LocalTier } from '../tiers/local-tier';
import type { WriteStep } from './write-step';

/** A factory's value, and when L2 holds it (settled at once when it is not to be cached). */
interface FactoryLoad<T> {
  value: T;
  stored: Promise<void>;
}

/**
 * A getOrSet after an L1 miss, coalesced per key: L2 (with the load's snapshot), else the factory,
 * then its value into both tiers. Where a load grows (grace, timeouts, the cluster lease), it
 * grows here.
 */
export class LoadStep {
  constructor(
    private readonly local: LocalTier,
    private readonly shared: SharedTier,
    private readonly snapshots: LoadSnapshots,
    private readonly factories: FactoryRunner,
    private readonly writes: WriteStep,
    private readonly flights: InFlightLoads,
    private readonly counters: CacheCounters,
  ) {}

  load<T>(key: string, factory: CacheFactory<T>, ttlMs: number, tags: readonly string[], lock: CacheLock = 'process'): Promise<T> {
    return this.flights.loads.run<T>(key, async (flight) => {
      const [entry, snapshot] = await Promise.all([this.shared.read<T>(key), this.snapshots.take(tags, ttlMs)]);
      if (entry !== undefined) {
        this.flights.keepUnlessInvalidated(flight, () => this.local.fill(key, entry, snapshot.stamp));
        return this.counters.hit(entry.value);
      }
      this.counters.misses++;
      const callFactory = () => this.callFactory(key, factory, ttlMs, tags, snapshot, flight);
      if (lock === 'process') return (await callFactory()).value;
      // --- lock 'cluster': between the L2 miss and the factory, one factory call across the instances.
      return this.shared.loadUnderLease<T>(key, {
        readLanded: async () => {
          const landed = await this.shared.read<T>(key);
          if (landed === undefined) return undefined;
          this.flights.keepUnlessInvalidated(flight, () => this.local.fill(key, landed, snapshot.stamp));
          return landed.value;
        },
        // The holder's release wakes the waiters, who read L2: it comes only once L2 holds the value.
        loadAndStore: async () => {
          const loaded = await callFactory();
          await loaded.stored;
          return loaded.value;
        },
      });
      // --- end of lock 'cluster'
    });
  }

  private async callFactory<T>(
    key: string,
    factory: CacheFactory<T>,
    ttlMs: number,
    tags: readonly string[],
    snapshot: LoadSnapshot,
    flight: Flight<unknown>,
  ): Promise<FactoryLoad<T>> {
    let stored = Promise.resolve();
    const { value, skipped } = await this.factories.run(factory);
    if (skipped || value === undefined) return { value, stored };
    if (!isRepresentable(value)) {
      this.counters.factoryUncacheable++;
      return { value, stored };
    }
    this.flights.keepUnlessInvalidated(flight, () => (stored = this.writes.fill(key, value, ttlMs, tags, snapshot)));
    return { value, stored };
  }
}

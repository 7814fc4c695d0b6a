import { isRepresentable } from '../stores/value-codec';
import { currentLoadTrace, traceFactory } from '../telemetry/get-or-set-span'; // TRACING
import type { SharedTier } from '../tiers/shared-tier';
import type { CacheCounters } from './cache-counters';
import type { CacheFactory, FactoryRunner } from './factory-run';
import type { InFlightLoads } from './in-flight-loads';
import type { LoadSnapshots } from './load-snapshot';
import type { LocalTier } from '../tiers/local-tier';
import type { WriteStep } from './write-step';

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

  load<T>(key: string, factory: CacheFactory<T>, ttlMs: number, tags: readonly string[]): Promise<T> {
    return this.flights.loads.run<T>(key, async (flight) => {
      const [entry, snapshot] = await Promise.all([this.shared.read<T>(key), this.snapshots.take(tags, ttlMs)]);
      if (entry !== undefined) {
        currentLoadTrace()?.answered('redis', 'hit'); // TRACING
        this.flights.keepUnlessInvalidated(flight, () => this.local.fill(key, entry, snapshot.stamp));
        return this.counters.hit(entry.value);
      }
      this.counters.misses++;
      const { value, skipped } = await traceFactory(() => this.factories.run(factory)); // TRACING: tier, factory duration
      if (skipped || value === undefined) return value;
      if (!isRepresentable(value)) {
        this.counters.factoryUncacheable++;
        return value;
      }
      this.flights.keepUnlessInvalidated(flight, () => this.writes.fill(key, value, ttlMs, tags, snapshot));
      return value;
    });
  }
}

import type { LocalTier } from '../tiers/local-tier';
import type { SharedTier } from '../tiers/shared-tier';
import type { EntryLifetime } from '../util/entry-lifetime';
import type { CacheFactory, FactoryRunner } from './factory-run';
import type { InFlightLoads } from './in-flight-loads';
import type { LoadSnapshots } from './load-snapshot';
import type { WriteStep } from './write-step';

/**
 * A reload whatever is cached, coalesced per key apart from the loads: what is stored (L1, else
 * L2), the factory, and a write only when the value changed (`isUnchanged`), unless the key was
 * invalidated while the factory ran.
 */
export class RefreshStep {
  constructor(
    private readonly local: LocalTier,
    private readonly shared: SharedTier,
    private readonly snapshots: LoadSnapshots,
    private readonly factories: FactoryRunner,
    private readonly writes: WriteStep,
    private readonly flights: InFlightLoads,
  ) {}

  refresh<T>(
    key: string,
    factory: CacheFactory<T>,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    isUnchanged: (stored: T, fresh: T) => boolean,
  ): Promise<T> {
    return this.flights.refreshes.run<T>(key, async (flight) => {
      const storedLocally = this.local.get<T>(key);
      const [storedShared, snapshot] = await Promise.all([
        storedLocally === undefined ? this.shared.read<T>(key) : undefined,
        this.snapshots.take(tags, lifetime),
      ]);
      const stored = storedLocally ?? storedShared?.value;
      const { value, skipped } = await this.factories.run(factory);
      if (skipped || value === undefined || (stored !== undefined && isUnchanged(stored, value))) return value;
      if (flight.invalidated) {
        this.flights.invalidatedLoads++;
        return value;
      }
      // Loads of the key running meanwhile started before this value: they must not overwrite it.
      this.flights.loads.invalidate([key]);
      this.flights.reads.invalidate([key]);
      await this.writes.write(key, value, lifetime, tags, snapshot);
      return value;
    });
  }
}

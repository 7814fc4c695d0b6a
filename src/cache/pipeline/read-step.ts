import type { RedisEntry } from '../stores/redis.store';
import type { LocalTier } from '../tiers/local-tier';
import type { SharedTier } from '../tiers/shared-tier';
import type { CacheCounters } from './cache-counters';
import type { InFlightLoads } from './in-flight-loads';
import type { LoadSnapshots } from './load-snapshot';

/** A plain read after an L1 miss: L2, coalesced per key, and what it finds back into L1. */
export class ReadStep {
  constructor(
    private readonly local: LocalTier,
    private readonly shared: SharedTier,
    private readonly snapshots: LoadSnapshots,
    private readonly flights: InFlightLoads,
    private readonly counters: CacheCounters,
  ) {}

  read<T>(key: string): Promise<RedisEntry<T> | undefined> {
    if (!this.shared.readable) return Promise.resolve(this.counters.miss(undefined));
    return this.flights.reads.run<RedisEntry<T> | undefined>(key, async (flight) => {
      const snapshot = this.snapshots.now();
      const entry = await this.shared.read<T>(key);
      if (entry === undefined) return this.counters.miss(undefined);
      this.flights.keepUnlessInvalidated(flight, () => this.local.fill(key, entry, snapshot.stamp));
      return this.counters.hit(entry);
    });
  }
}

import type { EntryLifetime } from '../util/entry-lifetime';
import type { CacheFactory } from './factory-run';
import type { PipelineParts } from './pipeline-parts';

/**
 * A reload whatever is cached, coalesced per key apart from the loads: what is stored (L1, else
 * L2), the factory, and a write only when the value changed (`isUnchanged`), unless the key was
 * invalidated while the factory ran.
 */
export class RefreshStep {
  constructor(private readonly parts: PipelineParts) {}

  refresh<T>(
    key: string,
    factory: CacheFactory<T>,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    isUnchanged: (stored: T, fresh: T) => boolean,
  ): Promise<T> {
    return this.parts.flights.refreshes.run<T>(key, async (flight) => {
      const storedLocally = this.parts.local.get<T>(key);
      const [storedShared, snapshot] = await Promise.all([
        storedLocally === undefined ? this.parts.shared.read<T>(key) : undefined,
        this.parts.snapshots.take(tags, lifetime),
      ]);
      const stored = storedLocally ?? storedShared?.value;
      const { value, skipped } = await this.parts.factories.run(factory);
      if (skipped || value === undefined || (stored !== undefined && isUnchanged(stored, value))) return value;
      if (flight.invalidated) {
        this.parts.flights.invalidatedLoads++;
        return value;
      }
      // Loads of the key running meanwhile started before this value: they must not overwrite it.
      this.parts.flights.loads.invalidate([key]);
      this.parts.flights.reads.invalidate([key]);
      await this.parts.writes.write(key, value, lifetime, tags, snapshot);
      return value;
    });
  }
}

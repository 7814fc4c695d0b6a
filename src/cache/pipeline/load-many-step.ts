import type { Flight } from '../single-flight';
import { isRepresentable } from '../stores/value-codec';
import type { LocalTier } from '../tiers/local-tier';
import type { KeyScope } from '../util/key-scope';
import type { SharedTier } from '../tiers/shared-tier';
import type { CacheCounters } from './cache-counters';
import type { FactoryContext, FactoryRunner } from './factory-run';
import type { InFlightLoads } from './in-flight-loads';
import type { LoadSnapshot, LoadSnapshots } from './load-snapshot';
import type { LoadedValue } from './load-step';
import type { WriteStep } from './write-step';

/**
 * Loads the values of many missing keys at once: `keys` are those asked for, the answer a Map of
 * those it found (a key it leaves out has no value: it is answered undefined and not cached).
 */
export type LoadMissing<T> = (keys: string[], context: FactoryContext) => Promise<ReadonlyMap<string, T>> | ReadonlyMap<string, T>;

/** `loadMissing` of a namespace: it is given, and answers, keys relative to the namespace. */
export function loaderInScope<T>(scope: KeyScope, loadMissing: LoadMissing<T>): LoadMissing<T> {
  return async (keys, context) => {
    const found = await loadMissing(
      keys.map((key) => scope.relative(key)),
      context,
    );
    if (!(found instanceof Map)) return found;
    return new Map([...found].map(([key, value]) => [scope.key(key), value]));
  };
}

interface OwnedLoad<T> {
  key: string;
  tags: readonly string[];
  settle: (value: T | undefined) => void;
  fail: (error: unknown) => void;
  flight: Flight<LoadedValue<T | undefined>>;
}

/**
 * A getOrSetMany after the L1 misses: the keys already being loaded (by getOrSet or another batch)
 * join those loads; the rest become loads of their own, so that a getOrSet of one of them joins
 * this batch, and are served by one L2 batch read, then one `loadMissing` call for what L2 lacks,
 * its values filled into both tiers as getOrSet fills them.
 */
export class LoadManyStep {
  constructor(
    private readonly local: LocalTier,
    private readonly shared: SharedTier,
    private readonly snapshots: LoadSnapshots,
    private readonly factories: FactoryRunner,
    private readonly writes: WriteStep,
    private readonly flights: InFlightLoads,
    private readonly counters: CacheCounters,
  ) {}

  loadMany<T>(
    keys: readonly string[],
    loadMissing: LoadMissing<T>,
    ttlMs: number,
    tagsOf: (key: string) => readonly string[],
  ): Promise<(T | undefined)[]> {
    const owned: OwnedLoad<T>[] = [];
    // A load of a key carries a LoadedValue (getOrSet's loads say whether they answered from grace):
    // a batch joins and settles them in that shape, and answers the values alone.
    const answers = keys.map((key) =>
      this.flights.loads.run<LoadedValue<T | undefined>>(
        key,
        (flight) =>
          new Promise<LoadedValue<T | undefined>>((resolve, fail) =>
            owned.push({ key, tags: tagsOf(key), settle: (value) => resolve({ value, stale: false }), fail, flight }),
          ),
      ),
    );
    if (owned.length > 0) void this.load(owned, loadMissing, ttlMs);
    return Promise.all(answers.map(async (answer) => (await answer).value));
  }

  /** Settles every owned load; never rejects (a failure rejects the loads instead). */
  private async load<T>(owned: OwnedLoad<T>[], loadMissing: LoadMissing<T>, ttlMs: number): Promise<void> {
    try {
      const [entries, snapshots] = await Promise.all([
        this.shared.readMany<T>(owned.map((load) => load.key)),
        this.snapshots.takeMany(
          owned.map((load) => load.tags),
          ttlMs,
        ),
      ]);
      const missing: number[] = [];
      owned.forEach((load, i) => {
        const entry = entries[i];
        if (entry === undefined) {
          this.counters.missOf(load.key, undefined);
          missing.push(i);
          return;
        }
        this.flights.keepUnlessInvalidated(load.flight, () => this.local.fill(load.key, entry, snapshots[i].stamp));
        load.settle(this.counters.hitIn(load.key, 'redis', entry.value));
      });
      if (missing.length === 0) return;
      const missingKeys = missing.map((i) => owned[i].key);
      const { value: found, skipped } = await this.factories.run<ReadonlyMap<string, T>>(
        (context) => loadMissing(missingKeys, context),
        undefined,
        missingKeys,
      );
      if (!(found instanceof Map)) {
        throw new TypeError(`getOrSetMany: loadMissing must return a Map of key to value (got ${found === null ? 'null' : typeof found})`);
      }
      for (const i of missing) {
        const load = owned[i];
        const value = found.get(load.key) as T | undefined;
        if (!skipped && value !== undefined) this.keep(load, value, ttlMs, snapshots[i]);
        load.settle(value);
      }
    } catch (error) {
      // Settled loads ignore it; the others (and the callers that joined them) get the error.
      for (const load of owned) load.fail(error);
    }
  }

  private keep<T>(load: OwnedLoad<T>, value: T, ttlMs: number, snapshot: LoadSnapshot): void {
    if (!isRepresentable(value)) {
      this.counters.factoryUncacheable++;
      return;
    }
    this.flights.keepUnlessInvalidated(load.flight, () => {
      this.writes.fill(load.key, value, ttlMs, load.tags, snapshot);
      if (this.counters.events.listening.set) this.counters.events.emit('set', { key: load.key });
    });
  }
}

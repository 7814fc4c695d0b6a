import type { Flight } from '../single-flight';
import { isRepresentable } from '../stores/value-codec';
import type { KeyScope } from '../util/key-scope';
import type { LoadedValue } from './load-step';
import type { FactoryContext } from './factory-run';
import type { LoadSnapshot } from './load-snapshot';
import type { PipelineParts } from './pipeline-parts';

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
  constructor(private readonly parts: PipelineParts) {}

  loadMany<T>(
    keys: readonly string[],
    loadMissing: LoadMissing<T>,
    ttlMs: number,
    tagsOf: (key: string) => readonly string[],
  ): Promise<(T | undefined)[]> {
    const owned: OwnedLoad<T>[] = [];
    // The flights are getOrSet's (LoadStep.loadEntry): a key either loads joins the other, so they carry what it answers.
    const answers = keys.map((key) =>
      this.parts.flights.loads.run<LoadedValue<T | undefined>>(
        key,
        (flight) =>
          new Promise<LoadedValue<T | undefined>>((settle, fail) =>
            owned.push({ key, tags: tagsOf(key), settle: (value) => settle({ value, stale: false }), fail, flight }),
          ),
      ),
    );
    if (owned.length > 0) void this.load(owned, loadMissing, ttlMs);
    return Promise.all(answers).then((loaded) => loaded.map((answer) => answer.value));
  }

  /** Settles every owned load; never rejects (a failure rejects the loads instead). */
  private async load<T>(owned: OwnedLoad<T>[], loadMissing: LoadMissing<T>, ttlMs: number): Promise<void> {
    try {
      const [entries, snapshots] = await Promise.all([
        this.parts.shared.readMany<T>(owned.map((load) => load.key)),
        this.parts.snapshots.takeMany(
          owned.map((load) => load.tags),
          ttlMs,
        ),
      ]);
      const missing: number[] = [];
      owned.forEach((load, i) => {
        const entry = entries[i];
        if (entry === undefined) {
          this.parts.counters.missOf(load.key, undefined);
          missing.push(i);
          return;
        }
        this.parts.flights.keepUnlessInvalidated(load.flight, () => this.parts.local.fill(load.key, entry, snapshots[i].stamp));
        load.settle(this.parts.counters.hitIn(load.key, 'redis', entry.value));
      });
      if (missing.length === 0) return;
      const missingKeys = missing.map((i) => owned[i].key);
      const { value: found, skipped } = await this.parts.factories.run<ReadonlyMap<string, T>>(
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
      this.parts.counters.factoryUncacheable++;
      return;
    }
    this.parts.flights.keepUnlessInvalidated(load.flight, () => {
      this.parts.writes.fill(load.key, value, ttlMs, load.tags, snapshot);
      if (this.parts.counters.events.listening.set) this.parts.counters.events.emit('set', { key: load.key });
    });
  }
}

import type { RedisEntry } from '../stores/redis.store';
import type { PipelineParts } from './pipeline-parts';

/** A plain read after an L1 miss: L2, coalesced per key, and what it finds back into L1. */
export class ReadStep {
  constructor(private readonly parts: PipelineParts) {}

  read<T>(key: string): Promise<RedisEntry<T> | undefined> {
    if (!this.parts.shared.readable) return Promise.resolve(this.parts.counters.miss(undefined));
    return this.parts.flights.reads.run<RedisEntry<T> | undefined>(key, async (flight) => {
      const snapshot = this.parts.snapshots.now();
      const entry = await this.parts.shared.read<T>(key);
      if (entry === undefined) return this.parts.counters.missOf(key, undefined);
      this.parts.flights.keepUnlessInvalidated(flight, () => this.parts.local.fill(key, entry, snapshot.stamp));
      return this.parts.counters.hitIn(key, 'redis', entry);
    });
  }

  /**
   * `read` of many keys after their L1 misses, in order: a key already being read joins that read,
   * the others go to L2 in one batch (one MGET per hash slot), each coalesced as `read` is, so that
   * a concurrent `get` of one of them joins the batch.
   */
  readMany<T>(keys: readonly string[]): Promise<(RedisEntry<T> | undefined)[]> {
    if (!this.parts.shared.readable) return Promise.resolve(keys.map((key) => this.parts.counters.missOf(key, undefined)));
    const snapshot = this.parts.snapshots.now();
    const batchKeys: string[] = [];
    let sendBatch!: (reads: Promise<(RedisEntry<T> | undefined)[]>) => void;
    const batch = new Promise<(RedisEntry<T> | undefined)[]>((resolve) => (sendBatch = resolve));
    const answers = keys.map((key) =>
      this.parts.flights.reads.run<RedisEntry<T> | undefined>(key, async (flight) => {
        // Runs now, up to its first await: the key joins the batch before it is sent.
        const index = batchKeys.push(key) - 1;
        const entry = (await batch)[index];
        if (entry === undefined) return this.parts.counters.missOf(key, undefined);
        this.parts.flights.keepUnlessInvalidated(flight, () => this.parts.local.fill(key, entry, snapshot.stamp));
        return this.parts.counters.hitIn(key, 'redis', entry);
      }),
    );
    sendBatch(batchKeys.length === 0 ? Promise.resolve([]) : this.parts.shared.readMany<T>(batchKeys));
    return Promise.all(answers);
  }
}

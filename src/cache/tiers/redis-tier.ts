import { ReplyError } from 'ioredis';
import type { InvalidationBus } from '../invalidation/invalidation-bus';
import type { L2Repairs } from '../resilience/l2-repair-journal';
import { UnsentWrite, WriteOrder } from '../resilience/write-order';
import type { RedisEntry, RedisRead, RedisReadOptions } from '../stores/redis.store';
import type { EntryLifetime } from '../util/entry-lifetime';
import { compileGlob } from '../util/glob';
import type { LeasedLoadSteps } from '../locks/load-under-lease';
import type { GuardedRedis } from './guarded-redis';
import type { RedisLease } from './redis-lease';
import { RedisRepairs } from './redis-repairs';
import type { Announcement, SharedChange, SharedTier, SharedTierStats } from './shared-tier';

/** How a Redis call went: done, refused (Redis answered with an error: OOM, READONLY, NOPERM), or unanswered. */
type Attempt<T> = { done: true; value: T } | { done: false; refused: boolean };

/**
 * What the instances share: the Redis store and the invalidation bus, used so that Redis trouble
 * never reaches the caller. Reads that fail are misses; writes, deletes, invalidations and
 * announcements that fail are recorded in a repair journal, L2 is not read until they are replayed
 * (it may hold what they should have removed), and they are replayed as soon as Redis answers.
 * A call never waits on a sick Redis twice: when Redis does not answer, the announcement is left
 * to the repair (the other instances lost their bus too, and flush their L1 when it comes back).
 * A Redis that answers but refuses the change (maxmemory reached, a read-only replica, an ACL) is
 * another matter: PUBLISH and DEL still work there, so the change is announced at once and the L2
 * value it would have replaced is deleted; only what Redis refuses even then is journaled.
 */
export class RedisTier implements SharedTier {
  private readonly repairs: RedisRepairs;
  private readonly backgroundWrites = new Set<Promise<unknown>>();
  private readonly order = new WriteOrder();
  private failures = 0;

  constructor(
    private readonly redis: GuardedRedis,
    private readonly bus: InvalidationBus | undefined,
    private readonly lease?: RedisLease,
  ) {
    this.repairs = new RedisRepairs(redis, bus);
    redis.onEvent((event) => {
      if (event === 'ready' || event === 'circuit-closed') void this.repairs.replay();
    });
  }

  /** Connects both connections at once, so that boot waits for Redis once, not once per connection. */
  async start(): Promise<void> {
    await Promise.all([this.redis.connect(), this.bus?.start()]);
  }

  /** Lets the background writes land, then closes both connections. */
  async stop(): Promise<void> {
    this.repairs.stop();
    await Promise.all(this.backgroundWrites);
    await this.bus?.close();
    await this.lease?.stop();
    await this.redis.close();
  }

  /** False while Redis is disconnected or may be stale; the circuit breaker decides the rest. */
  get readable(): boolean {
    return this.redis.connected && !this.repairs.pending;
  }

  async read<T>(key: string, options?: RedisReadOptions): Promise<RedisEntry<T> | undefined> {
    if (!this.readable) return undefined;
    let read: RedisRead<T>;
    try {
      read = await this.redis.run('get', (store) => store.read<T>(key, options));
    } catch {
      this.failures++;
      return undefined;
    }
    if (read.entry === undefined && read.undecodable) await this.removeUndecodable(key, read.undecodable.raw);
    return read.entry;
  }

  /** One guarded call for the batch (one deadline, one breaker outcome), whatever the number of slots. */
  async readMany<T>(keys: readonly string[]): Promise<(RedisEntry<T> | undefined)[]> {
    const misses = (): undefined[] => keys.map(() => undefined);
    if (!this.readable || keys.length === 0) return misses();
    let reads: RedisRead<T>[];
    try {
      reads = await this.redis.run('get-many', (store) => store.readMany<T>(keys));
    } catch {
      this.failures++;
      return misses();
    }
    await Promise.all(
      reads.map((read, i) =>
        read.entry === undefined && read.undecodable ? this.removeUndecodable(keys[i], read.undecodable.raw) : undefined,
      ),
    );
    return reads.map((read) => read.entry);
  }

  /**
   * A value we cannot decode is a miss, and removed: a failed removal is a Redis failure (the
   * guard counts it), but the read stays a miss either way, and the next read tries again.
   */
  private async removeUndecodable(key: string, raw: string | undefined): Promise<void> {
    try {
      await this.redis.run('delete', (store) => store.removeUndecodable(key, raw));
    } catch {
      // Counted by the guard.
    }
  }

  /** Tag versions to stamp a value with before its load; undefined when Redis cannot say. */
  async snapshotTags(tags: readonly string[], lifetime: number | EntryLifetime): Promise<string[] | undefined> {
    if (tags.length === 0 || !this.redis.connected) return undefined;
    try {
      return await this.redis.run('snapshot-tags', (store) => store.snapshotTags(tags, lifetime));
    } catch {
      this.failures++;
      return undefined;
    }
  }

  /** Call it in the same tick as the L1 write, so that Redis sees the calls in the order L1 did. */
  write(
    key: string,
    value: unknown,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<SharedChange<boolean>> {
    const unsent = this.order.begin(key);
    return this.change<boolean>({ keys: [key], reason: 'set' }, () => this.storeValue(unsent, value, lifetime, tags, tagVersions));
  }

  /**
   * Stores a freshly loaded value without making the caller wait: the caller has its value, and no
   * other instance needs to hear of a cache fill. A fill that does not land is journaled as with
   * `write`; one Redis refuses is not (it replaced nothing, so nothing is stale).
   */
  fillInBackground(
    key: string,
    value: unknown,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    tagVersions?: readonly string[],
    onOversized?: () => void,
  ): Promise<void> {
    const unsent = this.order.begin(key);
    const pending: Promise<void> = this.attempt(() => this.storeValue(unsent, value, lifetime, tags, tagVersions))
      .then((attempt) => {
        if (attempt.done && attempt.value === false) onOversized?.();
        if (!attempt.done && !attempt.refused) this.repairs.remember({ keys: [key] });
      })
      .finally(() => this.backgroundWrites.delete(pending));
    this.backgroundWrites.add(pending);
    return pending;
  }

  loadUnderLease<T>(key: string, steps: LeasedLoadSteps<T>): Promise<T> {
    if (!this.lease || !this.redis.available) return steps.loadAndStore();
    return this.lease.load(key, steps);
  }

  async runIfLeaseFree(key: string, work: () => Promise<void>): Promise<boolean> {
    if (!this.lease || !this.redis.available) {
      await work();
      return true;
    }
    return this.lease.runIfFree(key, work);
  }

  /** Deletes keys in Redis; the count is undefined when Redis could not say. */
  delete(keys: readonly string[]): Promise<SharedChange<number>> {
    this.order.supersede(keys);
    return this.change({ keys: [...keys], reason: 'delete' }, () => this.redis.run('delete', (store) => store.delete(keys)));
  }

  invalidateTags(tags: readonly string[]): Promise<SharedChange<void>> {
    return this.change({ tags: [...tags], reason: 'tags' }, () => this.redis.run('invalidate-tags', (store) => store.invalidateTags(tags)));
  }

  deletePattern(pattern: string): Promise<SharedChange<number>> {
    const glob = compileGlob(pattern);
    const matches = (key: string) => glob.matches(key);
    this.order.supersedeMatching(matches);
    return this.change({ patterns: [pattern], reason: 'pattern' }, () =>
      this.order.removing(
        matches,
        this.redis.run('delete-pattern', (store) => store.deletePattern(pattern)),
      ),
    );
  }

  clear(): Promise<SharedChange<number>> {
    const all = () => true;
    this.order.supersedeMatching(all);
    return this.change({ clear: true, reason: 'clear' }, () =>
      this.order.removing(
        all,
        this.redis.run('delete-pattern', (store) => store.clear()),
      ),
    );
  }

  /**
   * Tells the other instances to drop their copies. A message the bus could not send is left to
   * the repair, which replays the change and announces it once Redis answers.
   */
  async announce(change: SharedChange<unknown>): Promise<void> {
    const announcement = change.announcement;
    if (announcement === undefined || this.bus === undefined) return;
    if (!(await this.bus.publish(announcement))) {
      this.failures++;
      this.repairs.remember(repairsOf(announcement));
    }
  }

  stats(): SharedTierStats {
    return {
      redis: this.redis.stats(),
      failures: this.failures,
      repairsPending: this.repairs.pending,
      repairsApplied: this.repairs.applied,
      bus: this.bus?.stats() ?? null,
    };
  }

  /** The SET of a write, unless a later call of its key came first (see WriteOrder). */
  private storeValue(
    unsent: UnsentWrite,
    value: unknown,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<boolean | undefined> {
    const removal = this.order.removalsOf(unsent.key);
    if (removal !== undefined || (tags.length > 0 && tagVersions === undefined)) {
      return this.storeValueInOrder(unsent, removal, value, lifetime, tags, tagVersions);
    }
    // Nothing to wait for (the common case): the SET is sent in this tick, so nothing can supersede it any more.
    this.order.end(unsent);
    if (unsent.superseded) return Promise.resolve(undefined);
    return this.redis.run('set', (store) => store.set(unsent.key, value, lifetime, tags, tagVersions));
  }

  /** `storeValue` once the removals in progress of its key are done and its tag versions are taken. */
  private async storeValueInOrder(
    unsent: UnsentWrite,
    removal: Promise<unknown> | undefined,
    value: unknown,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<boolean | undefined> {
    let sent: Promise<boolean> | undefined;
    try {
      if (removal) await removal;
      const versions =
        tags.length > 0 && tagVersions === undefined
          ? await this.redis.run('snapshot-tags', (store) => store.snapshotTags(tags, lifetime))
          : tagVersions;
      if (!unsent.superseded) sent = this.redis.run('set', (store) => store.set(unsent.key, value, lifetime, tags, versions));
    } finally {
      this.order.end(unsent);
    }
    return sent;
  }

  /**
   * Applies a change to Redis. Unanswered, it is left to the repair (which announces it too).
   * Refused, what the change would have made stale is removed (journaled if Redis refuses that
   * too), and it is to be announced all the same: the other instances must drop their copies.
   */
  private async change<T>(announcement: Announcement, operation: () => Promise<T | undefined>): Promise<SharedChange<T>> {
    let value: T | undefined;
    try {
      value = await operation();
    } catch (error) {
      this.failures++;
      const repairs = repairsOf(announcement);
      if (!(error instanceof ReplyError)) {
        this.repairs.remember(repairs);
        return { value: undefined, announcement: undefined };
      }
      const removal = await this.attempt(() => this.repairs.removeStale(repairs));
      if (!removal.done) this.repairs.remember(repairs);
      return { value: undefined, announcement };
    }
    return { value, announcement };
  }

  /** Runs a Redis call and says how it went, instead of throwing. */
  private async attempt<T>(operation: () => Promise<T>): Promise<Attempt<T>> {
    try {
      return { done: true, value: await operation() };
    } catch (error) {
      this.failures++;
      return { done: false, refused: error instanceof ReplyError };
    }
  }
}

function repairsOf(announcement: Announcement): Partial<L2Repairs> {
  return { keys: announcement.keys, tags: announcement.tags, patterns: announcement.patterns, clearAll: announcement.clear };
}

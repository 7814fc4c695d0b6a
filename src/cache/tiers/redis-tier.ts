import { Logger } from '@nestjs/common';
import { ReplyError } from 'ioredis';
import type { InvalidationBus } from '../invalidation/invalidation-bus';
import { L2Repairs, L2RepairJournal } from '../resilience/l2-repair-journal';
import { UnsentWrite, WriteOrder } from '../resilience/write-order';
import type { RedisEntry } from '../stores/redis.store';
import { compileGlob } from '../util/glob';
import type { GuardedRedis } from './guarded-redis';
import type { Announcement, SharedChange, SharedTier, SharedTierStats } from './shared-tier';

const REPAIR_INTERVAL_MS = 250;

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
  private readonly logger = new Logger('ChatCache');
  private readonly journal = new L2RepairJournal();
  private readonly backgroundWrites = new Set<Promise<unknown>>();
  private readonly order = new WriteOrder();
  private repairTimer: NodeJS.Timeout | undefined;
  private repairing = false;
  private failures = 0;
  private repairsApplied = 0;

  constructor(
    private readonly redis: GuardedRedis,
    private readonly bus: InvalidationBus | undefined,
  ) {
    redis.onEvent((event) => {
      if (event === 'ready' || event === 'circuit-closed') void this.repair();
    });
  }

  /** Connects both connections at once, so that boot waits for Redis once, not once per connection. */
  async start(): Promise<void> {
    await Promise.all([this.redis.connect(), this.bus?.start()]);
  }

  /** Lets the background writes land, then closes both connections. */
  async stop(): Promise<void> {
    if (this.repairTimer) clearInterval(this.repairTimer);
    this.repairTimer = undefined;
    await Promise.all(this.backgroundWrites);
    await this.bus?.close();
    await this.redis.close();
  }

  /** False while Redis is disconnected or may be stale; the circuit breaker decides the rest. */
  get readable(): boolean {
    return this.redis.connected && !this.repairsPending;
  }

  /** Repairs wait in the journal or are being replayed: until they are done, L2 may be stale. */
  private get repairsPending(): boolean {
    return this.repairing || this.journal.pending;
  }

  /** A value we cannot decode is a miss, removed (a failed removal is a Redis failure, the read a miss). */
  async read<T>(key: string): Promise<RedisEntry<T> | undefined> {
    if (!this.readable) return undefined;
    try {
      const read = await this.redis.run('get', (store) => store.read<T>(key));
      if (read.entry === undefined && read.undecodable) {
        const { raw } = read.undecodable;
        await this.redis.run('delete', (store) => store.removeUndecodable(key, raw));
      }
      return read.entry;
    } catch {
      this.failures++;
      return undefined;
    }
  }

  /** Tag versions to stamp a value with before its load; undefined when Redis cannot say. */
  async snapshotTags(tags: readonly string[], ttlMs: number): Promise<string[] | undefined> {
    if (tags.length === 0 || !this.redis.connected) return undefined;
    try {
      return await this.redis.run('snapshot-tags', (store) => store.snapshotTags(tags, ttlMs));
    } catch {
      this.failures++;
      return undefined;
    }
  }

  /** Call it in the same tick as the L1 write, so that Redis sees the calls in the order L1 did. */
  write(
    key: string,
    value: unknown,
    ttlMs: number,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<SharedChange<boolean>> {
    const unsent = this.order.begin(key);
    return this.change<boolean>({ keys: [key], reason: 'set' }, () => this.storeValue(unsent, value, ttlMs, tags, tagVersions));
  }

  /**
   * Stores a freshly loaded value without making the caller wait: the caller has its value, and no
   * other instance needs to hear of a cache fill. A fill that does not land is journaled as with
   * `write`; one Redis refuses is not (it replaced nothing, so nothing is stale).
   */
  fillInBackground(
    key: string,
    value: unknown,
    ttlMs: number,
    tags: readonly string[],
    tagVersions?: readonly string[],
    onOversized?: () => void,
  ): void {
    const unsent = this.order.begin(key);
    const pending: Promise<unknown> = this.attempt(() => this.storeValue(unsent, value, ttlMs, tags, tagVersions))
      .then((attempt) => {
        if (attempt.done && attempt.value === false) onOversized?.();
        if (!attempt.done && !attempt.refused) this.remember({ keys: [key] });
      })
      .finally(() => this.backgroundWrites.delete(pending));
    this.backgroundWrites.add(pending);
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
      this.remember(repairsOf(announcement));
    }
  }

  stats(): SharedTierStats {
    return {
      redis: this.redis.stats(),
      failures: this.failures,
      repairsPending: this.repairsPending,
      repairsApplied: this.repairsApplied,
      bus: this.bus?.stats() ?? null,
    };
  }

  /** Replays what Redis missed, then announces it so that every instance drops its L1 copies. */
  async repair(): Promise<void> {
    if (this.repairing || !this.journal.pending || !this.redis.connected) return;
    this.repairing = true;
    const repairs = this.journal.take();
    try {
      await this.apply(repairs);
      if (this.bus && !(await this.bus.publish(announcementOf(repairs)))) throw new Error('bus publish failed');
      this.repairsApplied++;
      this.logger.log(
        repairs.clearAll
          ? 'Redis repaired after an outage: cleared our prefix (too much was missed to replay)'
          : `Redis repaired after an outage: replayed ${repairs.keys.length} keys, ${repairs.tags.length} tags, ${repairs.patterns.length} patterns`,
      );
      if (!this.journal.pending && this.repairTimer) {
        clearInterval(this.repairTimer);
        this.repairTimer = undefined;
      }
    } catch {
      this.journal.record(repairs);
    } finally {
      this.repairing = false;
    }
  }

  /**
   * Removes from Redis whatever `repairs` says may be stale, with removals only (UNLINK, SCAN):
   * Redis accepts them even when it refuses writes (maxmemory reached). Forgetting a tag's version
   * makes every entry carrying it stale, as a new version would.
   */
  private async apply(repairs: L2Repairs): Promise<void> {
    if (repairs.clearAll) {
      await this.redis.run('delete-pattern', (store) => store.clear());
      return;
    }
    if (repairs.keys.length > 0) await this.redis.run('delete', (store) => store.delete(repairs.keys));
    if (repairs.tags.length > 0) await this.redis.run('invalidate-tags', (store) => store.forgetTagVersions(repairs.tags));
    for (const pattern of repairs.patterns) await this.redis.run('delete-pattern', (store) => store.deletePattern(pattern));
  }

  /** The SET of a write, unless a later call of its key came first (see WriteOrder). */
  private async storeValue(
    unsent: UnsentWrite,
    value: unknown,
    ttlMs: number,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<boolean | undefined> {
    let sent: Promise<boolean> | undefined;
    try {
      const removal = this.order.removalsOf(unsent.key);
      if (removal) await removal;
      const versions =
        tags.length > 0 && tagVersions === undefined
          ? await this.redis.run('snapshot-tags', (store) => store.snapshotTags(tags, ttlMs))
          : tagVersions;
      if (!unsent.superseded) sent = this.redis.run('set', (store) => store.set(unsent.key, value, ttlMs, tags, versions));
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
    const repairs = repairsOf(announcement);
    const attempt = await this.attempt(operation);
    if (!attempt.done && !attempt.refused) {
      this.remember(repairs);
      return { value: undefined, announcement: undefined };
    }
    if (!attempt.done) {
      const removal = await this.attempt(() => this.apply(completeRepairs(repairs)));
      if (!removal.done) this.remember(repairs);
    }
    return { value: attempt.done ? attempt.value : undefined, announcement };
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

  private remember(repairs: Partial<L2Repairs>): void {
    this.journal.record(repairs);
    if (this.repairTimer === undefined) {
      this.repairTimer = setInterval(() => void this.repair(), REPAIR_INTERVAL_MS);
      this.repairTimer.unref();
    }
  }
}

function repairsOf(announcement: Announcement): Partial<L2Repairs> {
  return { keys: announcement.keys, tags: announcement.tags, patterns: announcement.patterns, clearAll: announcement.clear };
}

function completeRepairs(repairs: Partial<L2Repairs>): L2Repairs {
  return { keys: repairs.keys ?? [], tags: repairs.tags ?? [], patterns: repairs.patterns ?? [], clearAll: repairs.clearAll ?? false };
}

function announcementOf(repairs: L2Repairs): Announcement {
  if (repairs.clearAll) return { clear: true, reason: 'repair' };
  return { keys: repairs.keys, tags: repairs.tags, patterns: repairs.patterns, reason: 'repair' };
}

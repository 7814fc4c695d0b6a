import { Logger } from '@nestjs/common';
import { InvalidationBus, InvalidationBusStats } from '../invalidation/invalidation-bus';
import { InvalidationMessage } from '../invalidation/invalidation-message';
import { RedisEntry, RedisStore } from '../stores/redis.store';
import { L2Repairs, L2RepairJournal } from './l2-repair-journal';

const REPAIR_INTERVAL_MS = 250;
/** What `guard` answers when Redis failed (a successful change may well answer undefined). */
const FAILED = Symbol('failed');

export interface SharedTierStats {
  /** Redis calls that failed and were turned into misses or repairs instead of errors. */
  failures: number;
  /** Whether writes that Redis missed are waiting to be replayed (L2 is not read meanwhile). */
  repairsPending: boolean;
  repairsApplied: number;
  bus: InvalidationBusStats | null;
}

export type Announcement = Omit<InvalidationMessage, 'instance' | 'sentAt'>;

/**
 * What the instances share: the Redis store and the invalidation bus, used so that Redis trouble
 * never reaches the caller. Reads that fail are misses; writes, deletes, invalidations and
 * announcements that fail are recorded in a repair journal, L2 is not read until they are replayed
 * (it may hold what they should have removed), and they are replayed as soon as Redis answers.
 * A call never waits on a sick Redis twice: when the Redis step fails, its announcement is left to
 * the repair (the other instances lost their bus too, and flush their L1 when it comes back).
 */
export class SharedTier {
  private readonly logger = new Logger('ChatCache');
  private readonly journal = new L2RepairJournal();
  private readonly backgroundWrites = new Set<Promise<unknown>>();
  private repairTimer: NodeJS.Timeout | undefined;
  private repairing = false;
  private failures = 0;
  private repairsApplied = 0;

  constructor(
    readonly store: RedisStore,
    private readonly bus: InvalidationBus | undefined,
  ) {
    store.onEvent((event) => {
      if (event === 'ready' || event === 'circuit-closed') void this.repair();
    });
  }

  async start(): Promise<void> {
    await this.store.connect();
    await this.bus?.start();
  }

  async stop(): Promise<void> {
    if (this.repairTimer) clearInterval(this.repairTimer);
    this.repairTimer = undefined;
    await Promise.all(this.backgroundWrites);
    await this.bus?.close();
  }

  /** False while Redis is disconnected or may be stale; the circuit breaker decides the rest. */
  get readable(): boolean {
    return this.store.connected && !this.repairsPending;
  }

  /** Repairs wait in the journal or are being replayed: until they are done, L2 may be stale. */
  private get repairsPending(): boolean {
    return this.repairing || this.journal.pending;
  }

  async read<T>(key: string): Promise<RedisEntry<T> | undefined> {
    if (!this.readable) return undefined;
    try {
      return await this.store.getEntry<T>(key);
    } catch {
      this.failures++;
      return undefined;
    }
  }

  /** Tag versions to stamp a value with before its load; undefined when Redis cannot say. */
  async snapshotTags(tags: readonly string[], ttlMs: number): Promise<string[] | undefined> {
    if (tags.length === 0 || !this.store.connected) return undefined;
    try {
      return await this.store.snapshotTags(tags, ttlMs);
    } catch {
      this.failures++;
      return undefined;
    }
  }

  /**
   * Stores a value in Redis, then tells the other instances to drop their copies of the key.
   * False when Redis refused it as oversized (the older value was deleted instead), undefined when Redis failed.
   */
  write(key: string, value: unknown, ttlMs: number, tags: readonly string[], tagVersions?: readonly string[]): Promise<boolean | undefined> {
    return this.mutate({ keys: [key], reason: 'set' }, () => this.store.set(key, value, ttlMs, tags, tagVersions));
  }

  /**
   * Stores a freshly loaded value without making the caller wait: the caller has its value, and no
   * other instance needs to hear of a cache fill. Failures are journaled as with `write`.
   */
  writeInBackground(
    key: string,
    value: unknown,
    ttlMs: number,
    tags: readonly string[],
    tagVersions?: readonly string[],
    onOversized?: () => void,
  ): void {
    const pending: Promise<unknown> = this.guard({ keys: [key] }, () => this.store.set(key, value, ttlMs, tags, tagVersions))
      .then((stored) => {
        if (stored === false) onOversized?.();
      })
      .finally(() => this.backgroundWrites.delete(pending));
    this.backgroundWrites.add(pending);
  }

  /** Deletes keys in Redis and announces it; the count is undefined when Redis could not say. */
  delete(keys: readonly string[]): Promise<number | undefined> {
    return this.mutate({ keys: [...keys], reason: 'delete' }, () => this.store.delete(keys));
  }

  async invalidateTags(tags: readonly string[]): Promise<void> {
    await this.mutate({ tags: [...tags], reason: 'tags' }, () => this.store.invalidateTags(tags));
  }

  deletePattern(pattern: string): Promise<number | undefined> {
    return this.mutate({ patterns: [pattern], reason: 'pattern' }, () => this.store.deletePattern(pattern));
  }

  clear(): Promise<number | undefined> {
    return this.mutate({ clear: true, reason: 'clear' }, () => this.store.clear());
  }

  stats(): SharedTierStats {
    return {
      failures: this.failures,
      repairsPending: this.repairsPending,
      repairsApplied: this.repairsApplied,
      bus: this.bus?.stats() ?? null,
    };
  }

  /** Replays what Redis missed, then announces it so that every instance drops its L1 copies. */
  async repair(): Promise<void> {
    if (this.repairing || !this.journal.pending || !this.store.connected) return;
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

  private async apply(repairs: L2Repairs): Promise<void> {
    if (repairs.clearAll) {
      await this.store.clear();
      return;
    }
    if (repairs.keys.length > 0) await this.store.delete(repairs.keys);
    if (repairs.tags.length > 0) await this.store.invalidateTags(repairs.tags);
    for (const pattern of repairs.patterns) await this.store.deletePattern(pattern);
  }

  /** Applies a change to Redis, then announces it; on failure both are left to the repair. */
  private async mutate<T>(announcement: Announcement, operation: () => Promise<T>): Promise<T | undefined> {
    const result = await this.guard(repairsOf(announcement), operation);
    if (result === FAILED) return undefined;
    if (this.bus && !(await this.bus.publish(announcement))) {
      this.failures++;
      this.remember(repairsOf(announcement));
    }
    return result;
  }

  /** Runs a Redis change; on failure journals `repairs` and answers FAILED instead of throwing. */
  private async guard<T>(repairs: Partial<L2Repairs>, operation: () => Promise<T>): Promise<T | typeof FAILED> {
    try {
      return await operation();
    } catch {
      this.failures++;
      this.remember(repairs);
      return FAILED;
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

function announcementOf(repairs: L2Repairs): Announcement {
  if (repairs.clearAll) return { clear: true, reason: 'repair' };
  return { keys: repairs.keys, tags: repairs.tags, patterns: repairs.patterns, reason: 'repair' };
}

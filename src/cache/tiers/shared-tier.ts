import type { LeasedLoadSteps } from '../locks/load-under-lease';
import type { InvalidationBusStats } from '../invalidation/invalidation-bus';
import type { Announcement } from '../invalidation/invalidation-message';
import type { RedisEntry, RedisReadOptions } from '../stores/redis.store';
import type { EntryLifetime } from '../util/entry-lifetime';
import type { GuardedRedisStats } from './guarded-redis';

export type { Announcement };

/**
 * What a change of the shared tier did: `value` is the driver's answer (undefined when Redis could
 * not say), `announcement` what the other instances must now hear (undefined when there is nothing
 * to tell them now: no shared tier, or a Redis that did not answer, whose repair announces it later).
 */
export interface SharedChange<T> {
  value: T | undefined;
  announcement: Announcement | undefined;
}

export interface SharedTierStats {
  redis: GuardedRedisStats;
  /** Redis calls that failed and were turned into misses or repairs instead of errors. */
  failures: number;
  /** Whether writes that Redis missed are waiting to be replayed (L2 is not read meanwhile). */
  repairsPending: boolean;
  repairsApplied: number;
  bus: InvalidationBusStats | null;
}

/**
 * The tier every instance shares (L2), as the pipeline sees it: reads that never fail (a failure
 * is a miss), changes that say what happened, and `announce`, which tells the other instances.
 * RedisTier is the real one; NoSharedTier stands in when there is no Redis.
 */
export interface SharedTier {
  /** False while L2 cannot be read, or may be stale (repairs pending). */
  readonly readable: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** With `allowStale`, also an entry within its grace (`stale: true`): the fail-safe's fallback. */
  read<T>(key: string, options?: RedisReadOptions): Promise<RedisEntry<T> | undefined>;
  /** `read` of many keys in one round trip (one MGET per hash slot), in order; a failure is a miss of every key. */
  readMany<T>(keys: readonly string[]): Promise<(RedisEntry<T> | undefined)[]>;
  /**
   * Tag versions to stamp a value with before its load, kept as long as the value (grace included);
   * undefined when there are none or Redis cannot say.
   */
  snapshotTags(tags: readonly string[], lifetime: number | EntryLifetime): Promise<string[] | undefined>;
  /**
   * Stores a value; call it in the same tick as the L1 write. `value` false when Redis refused it as
   * oversized (the older value was deleted instead), undefined when Redis failed or a later call of
   * the key superseded it.
   */
  write(
    key: string,
    value: unknown,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<SharedChange<boolean>>;
  /**
   * Stores a freshly loaded value without making the caller wait (nobody needs to hear of a fill).
   * Settles, never rejects, once the write landed or failed: a lease holder waits for it.
   */
  fillInBackground(
    key: string,
    value: unknown,
    lifetime: number | EntryLifetime,
    tags: readonly string[],
    tagVersions?: readonly string[],
    onOversized?: () => void,
  ): Promise<void>;
  /**
   * Runs a load under the key's cluster lease (loadUnderLease: one factory call per key across the
   * instances). Without Redis, or while it is away (disconnected, circuit open), at once: the
   * process's single-flight is then the only lock, and nobody waits on a Redis that cannot answer.
   */
  loadUnderLease<T>(key: string, steps: LeasedLoadSteps<T>): Promise<T>;
  /**
   * Runs `work` holding the key's lease if no instance holds it, without waiting: false when one
   * does. Without a lease to take (no Redis, Redis away), runs it: once per process, then.
   */
  runIfLeaseFree(key: string, work: () => Promise<void>): Promise<boolean>;
  delete(keys: readonly string[]): Promise<SharedChange<number>>;
  invalidateTags(tags: readonly string[]): Promise<SharedChange<void>>;
  deletePattern(pattern: string): Promise<SharedChange<number>>;
  clear(): Promise<SharedChange<number>>;
  /** Tells the other instances about a change (never throws: what is not sent is repaired later). */
  announce(change: SharedChange<unknown>): Promise<void>;
  stats(): SharedTierStats | null;
}

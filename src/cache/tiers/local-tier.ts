import type { MemoryEntry, MemoryReadOptions, MemoryStoreStats } from '../stores/memory.store';
import type { RedisEntry } from '../stores/redis.store';
import type { EntryLifetime } from '../util/entry-lifetime';

/**
 * This process's tier (L1), as the pipeline sees it. MemoryTier is the real one; NoLocalTier
 * stands in for the `redis` driver, which keeps nothing in memory.
 */
export interface LocalTier {
  get<T>(key: string): T | undefined;
  /** With `allowStale`, also an entry past its TTL within its grace (`stale: true`), the fail-safe's fallback. */
  getEntry<T>(key: string, options?: MemoryReadOptions): MemoryEntry<T> | undefined;
  /** The clock the entries' expiries are computed from. */
  nowMs(): number;
  /** The tag stamp of a load that begins now (see LocalTagVersions); undefined without a tier. */
  tagStamp(): number | undefined;
  /** False when the value was refused as oversized: then no tier may keep it. A lifetime with grace keeps it stale past its TTL. */
  set(key: string, value: unknown, lifetime: number | EntryLifetime, tags: readonly string[], stamp: number | undefined): boolean;
  /** Keeps a value read from L2 (fresh or stale), no longer than L2 does, with its expiry, TTL and grace. */
  fill<T>(key: string, entry: RedisEntry<T>, stamp: number | undefined): void;
  /** Whether the key was there. */
  delete(key: string): boolean;
  deletePattern(pattern: string): number;
  invalidateTags(tags: readonly string[]): void;
  clear(): void;
  stats(): MemoryStoreStats | null;
}

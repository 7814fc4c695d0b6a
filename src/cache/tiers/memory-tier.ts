import type { MemoryEntry, MemoryReadOptions, MemoryStore, MemoryStoreStats } from '../stores/memory.store';
import type { RedisEntry } from '../stores/redis.store';
import type { EntryLifetime } from '../util/entry-lifetime';
import type { LocalTier } from './local-tier';

/** L1 over this process's MemoryStore. */
export class MemoryTier implements LocalTier {
  constructor(private readonly store: MemoryStore) {}

  get<T>(key: string): T | undefined {
    return this.store.get<T>(key);
  }

  getEntry<T>(key: string, options?: MemoryReadOptions): MemoryEntry<T> | undefined {
    return this.store.getEntry<T>(key, options);
  }

  nowMs(): number {
    return this.store.nowMs();
  }

  tagStamp(): number {
    return this.store.tagStamp();
  }

  set(key: string, value: unknown, lifetime: number | EntryLifetime, tags: readonly string[], stamp: number | undefined): boolean {
    return this.store.set(key, value, lifetime, tags.length > 0 ? { tags, stamp } : undefined);
  }

  fill<T>(key: string, entry: RedisEntry<T>, stamp: number | undefined): void {
    // The entry is its own lifetime: L1 keeps it until the same instant, graced as long (see StoredLifetime).
    if (entry.expiresAt !== 0 && entry.expiresAt + entry.graceMs <= Date.now()) return;
    this.store.set(key, entry.value, entry, entry.tags ? { tags: entry.tags, stamp } : undefined);
  }

  delete(key: string): boolean {
    return this.store.delete(key);
  }

  deletePattern(pattern: string): number {
    return this.store.deletePattern(pattern);
  }

  invalidateTags(tags: readonly string[]): void {
    this.store.invalidateTags(tags);
  }

  clear(): void {
    this.store.clear();
  }

  stats(): MemoryStoreStats {
    return this.store.stats();
  }
}

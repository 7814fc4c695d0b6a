import { LocalTagVersions } from '../invalidation/local-tag-versions';
import { coarseNowMs } from '../util/coarse-clock';
import { estimateBytes } from '../util/estimate-bytes';
import { globToRegExp } from '../util/glob';
import { resolveTtlMs } from '../util/ttl';

/** Map slot, list links, key and bookkeeping of one entry, added to the value's own estimate. */
const ENTRY_OVERHEAD_BYTES = 96;
const DEFAULT_SWEEP_BATCH = 1_000;

export interface MemoryStoreOptions {
  maxEntries: number;
  maxBytes: number;
  maxEntryBytes: number;
  /** TTL of a `set` without one; 0 means no expiry. */
  defaultTtlMs?: number;
  /** 0 disables the background sweeper (expired entries are still dropped when touched). */
  sweepIntervalMs?: number;
  /** Most entries one sweeper tick looks at, so that a tick never blocks the event loop for long. */
  sweepBatchSize?: number;
  /** Millisecond clock; tests pass a manual one. */
  now?: () => number;
}

export interface MemoryStoreStats {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  evictions: number;
  expirations: number;
  /** Entries dropped on access because one of their tags was invalidated after they were loaded. */
  tagInvalidations: number;
  /** Values not cached because their estimate exceeded `maxEntryBytes`. */
  oversized: number;
  entries: number;
  bytes: number;
  maxEntries: number;
  maxBytes: number;
}

/** Tags of an entry, and the stamp taken when its load began (see `LocalTagVersions`). */
export interface MemoryTagging {
  tags: readonly string[];
  stamp?: number;
}

class MemoryEntry {
  newer: MemoryEntry = this;
  older: MemoryEntry = this;
  constructor(
    public key: string,
    public value: unknown,
    public expiresAt: number,
    public bytes: number,
    public tags: readonly string[] | undefined,
    public stamp: number,
  ) {}
}

/**
 * The L1 tier: a synchronous LRU map bounded by entries and estimated bytes, with per-entry TTLs
 * and O(tags) tag invalidation. Values are held by reference: treat what `get` returns as frozen.
 *
 * The hit path allocates nothing: one Map lookup, a TTL check against a coarse clock (skipped
 * for entries without TTL), a tag check (skipped for untagged entries) and four pointer writes.
 */
export class MemoryStore {
  private readonly entries = new Map<string, MemoryEntry>();
  /** Sentinel of a circular list: `head.older` is the most recently used entry, `head.newer` the least. */
  private readonly head = new MemoryEntry('', undefined, 0, 0, undefined, 0);
  private readonly tagVersions = new LocalTagVersions();
  private readonly now: () => number;
  private readonly defaultTtlMs: number;
  private readonly sweepBatchSize: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepCursor: Iterator<MemoryEntry> | undefined;
  private totalBytes = 0;
  private hitCount = 0;
  private missCount = 0;
  private setCount = 0;
  private deleteCount = 0;
  private evictionCount = 0;
  private expirationCount = 0;
  private tagInvalidationCount = 0;
  private oversizedCount = 0;

  constructor(private readonly options: MemoryStoreOptions) {
    this.now = options.now ?? coarseNowMs;
    this.defaultTtlMs = options.defaultTtlMs ?? 0;
    this.sweepBatchSize = options.sweepBatchSize ?? DEFAULT_SWEEP_BATCH;
    const sweepIntervalMs = options.sweepIntervalMs ?? 1_000;
    if (sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs);
      this.sweepTimer.unref();
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get<T = unknown>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.missCount++;
      return undefined;
    }
    if (this.dropIfStale(entry)) {
      this.missCount++;
      return undefined;
    }
    const head = this.head;
    if (head.older !== entry) {
      entry.newer.older = entry.older;
      entry.older.newer = entry.newer;
      entry.older = head.older;
      entry.newer = head;
      head.older.newer = entry;
      head.older = entry;
    }
    this.hitCount++;
    return entry.value as T;
  }

  /** True when `key` holds a live value; neither promotes it nor counts a hit or miss. */
  has(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && !this.dropIfStale(entry);
  }

  /**
   * Stores `value` for `ttlMs` (the default TTL when omitted, 0 for no expiry). `undefined` is
   * "no value" and deletes the key; a value estimated over `maxEntryBytes` is not cached (and any
   * older value of the key is dropped, so that a read never returns what was overwritten).
   */
  set(key: string, value: unknown, ttlMs?: number, tagging?: MemoryTagging): void {
    const ttl = resolveTtlMs(ttlMs, this.defaultTtlMs);
    if (value === undefined) {
      this.delete(key);
      return;
    }
    const limit = this.options.maxEntryBytes;
    const bytes = ENTRY_OVERHEAD_BYTES + key.length * 2 + estimateBytes(value, limit);
    if (bytes > limit) {
      this.oversizedCount++;
      this.delete(key);
      return;
    }
    const expiresAt = ttl === 0 ? 0 : this.now() + ttl;
    const tags = tagging && tagging.tags.length > 0 ? tagging.tags : undefined;
    const stamp = tags === undefined ? 0 : (tagging!.stamp ?? this.tagVersions.stamp());
    this.setCount++;
    let entry = this.entries.get(key);
    if (entry !== undefined) {
      this.totalBytes += bytes - entry.bytes;
      entry.value = value;
      entry.expiresAt = expiresAt;
      entry.bytes = bytes;
      entry.tags = tags;
      entry.stamp = stamp;
      this.unlink(entry);
    } else {
      entry = new MemoryEntry(key, value, expiresAt, bytes, tags, stamp);
      this.entries.set(key, entry);
      this.totalBytes += bytes;
    }
    this.linkAsNewest(entry);
    this.evictOverflow();
  }

  /** Deletes `key`; true when it held a live value (an expired or tag-stale entry is dropped, not counted). */
  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined || this.dropIfStale(entry)) return false;
    this.remove(entry);
    this.deleteCount++;
    return true;
  }

  /** The stamp to pass to `set` for a value whose load begins now. */
  tagStamp(): number {
    return this.tagVersions.stamp();
  }

  /** Makes every entry carrying one of `tags` stale, in O(tags). */
  invalidateTags(tags: readonly string[]): void {
    if (tags.length === 0) return;
    if (!this.tagVersions.invalidate(tags)) {
      // The tag history overflowed and was forgotten: drop tagged entries, whose staleness it decided.
      for (const entry of this.entries.values()) if (entry.tags !== undefined) this.remove(entry);
    }
  }

  /** Deletes the live keys matching a Redis-style glob; returns how many. */
  deletePattern(pattern: string): number {
    const matcher = globToRegExp(pattern);
    let deleted = 0;
    for (const entry of this.entries.values()) {
      if (!matcher.test(entry.key) || this.dropIfStale(entry)) continue;
      this.remove(entry);
      deleted++;
    }
    this.deleteCount += deleted;
    return deleted;
  }

  /** Live keys, optionally only those matching a Redis-style glob (`*`, `?`, `[...]`). */
  keys(pattern?: string): string[] {
    const matcher = pattern === undefined ? undefined : globToRegExp(pattern);
    const keys: string[] = [];
    for (const entry of this.entries.values()) {
      if (this.dropIfStale(entry)) continue;
      if (matcher === undefined || matcher.test(entry.key)) keys.push(entry.key);
    }
    return keys;
  }

  clear(): void {
    this.entries.clear();
    this.head.newer = this.head.older = this.head;
    this.totalBytes = 0;
    this.sweepCursor = undefined;
    this.tagVersions.reset();
  }

  stats(): MemoryStoreStats {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      sets: this.setCount,
      deletes: this.deleteCount,
      evictions: this.evictionCount,
      expirations: this.expirationCount,
      tagInvalidations: this.tagInvalidationCount,
      oversized: this.oversizedCount,
      entries: this.entries.size,
      bytes: this.totalBytes,
      maxEntries: this.options.maxEntries,
      maxBytes: this.options.maxBytes,
    };
  }

  /** Stops the sweeper; the store keeps working, expired entries are then dropped on access only. */
  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /**
   * Looks at up to `sweepBatchSize` entries, resuming where the previous tick stopped, and drops
   * the expired ones. Map iterators stay valid while entries are added and removed.
   */
  sweep(): number {
    const now = this.now();
    const cursor = this.sweepCursor ?? this.entries.values();
    this.sweepCursor = cursor;
    let dropped = 0;
    for (let seen = 0; seen < this.sweepBatchSize; seen++) {
      const next = cursor.next();
      if (next.done) {
        this.sweepCursor = undefined; // a full pass ended: the next tick starts a new one
        break;
      }
      const entry = next.value;
      if (entry.expiresAt !== 0 && entry.expiresAt <= now) {
        this.remove(entry);
        this.expirationCount++;
        dropped++;
      }
    }
    return dropped;
  }

  private dropIfStale(entry: MemoryEntry): boolean {
    if (entry.expiresAt !== 0 && entry.expiresAt <= this.now()) {
      this.remove(entry);
      this.expirationCount++;
      return true;
    }
    if (entry.tags !== undefined && this.tagVersions.isStale(entry.tags, entry.stamp)) {
      this.remove(entry);
      this.tagInvalidationCount++;
      return true;
    }
    return false;
  }

  private evictOverflow(): void {
    const { maxEntries, maxBytes } = this.options;
    while (this.entries.size > maxEntries || this.totalBytes > maxBytes) {
      const oldest = this.head.newer;
      if (oldest === this.head) break;
      this.remove(oldest);
      this.evictionCount++;
    }
  }

  private remove(entry: MemoryEntry): void {
    this.entries.delete(entry.key);
    this.unlink(entry);
    this.totalBytes -= entry.bytes;
  }

  private unlink(entry: MemoryEntry): void {
    entry.newer.older = entry.older;
    entry.older.newer = entry.newer;
  }

  private linkAsNewest(entry: MemoryEntry): void {
    const head = this.head;
    entry.older = head.older;
    entry.newer = head;
    head.older.newer = entry;
    head.older = entry;
  }
}

import type { OnApplicationShutdown } from '@nestjs/common';
import type { MemoryPolicy } from '../chat-cache.options';
import { LocalTagVersions } from './local-tag-versions';
import { coarseNowMs } from '../util/coarse-clock';
import { EntryLifetime, keptUntil, resolveLifetime, StoredLifetime } from '../util/entry-lifetime';
import { estimateBytes, estimateStringBytes } from '../util/estimate-bytes';
import { compileGlob } from '../util/glob';
import { resolveTtlMs } from '../util/ttl';
import { LruOrder } from './lru-order';
import { hashKey } from './policy/key-hash';
import type { SlotOrder } from './policy/slot-order';
import { WindowTinyLfu } from './policy/window-tiny-lfu';

/**
 * Map slot, list links and the slots of one entry in the parallel arrays, added to the estimates of
 * its key and value (bench scenario 9 measured about 100 bytes besides key and value, arrays grown
 * by doubling included; the lifetime's two arrays, kept-until and TTL, add 16).
 */
export const ENTRY_OVERHEAD_BYTES = 112;
const DEFAULT_SWEEP_BATCH = 1_000;

export type { MemoryPolicy };
export const MEMORY_POLICIES: readonly MemoryPolicy[] = ['lru', 'tinylfu'];

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
  /** Eviction and admission policy; `lru` when omitted. */
  policy?: MemoryPolicy;
}

export interface MemoryStoreStats {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  /**
   * Entries dropped to make room (maxEntries, maxBytes). Under `tinylfu` only entries the policy
   * had admitted to its main space, or that left its window with no main space to compete for;
   * a window entry refused by the admission filter is counted in `admissionsRejected` instead.
   */
  evictions: number;
  /**
   * Under `tinylfu`: new entries dropped when they left the window because the frequency sketch
   * counted them less often than the entry they would have displaced (always 0 under `lru`).
   */
  admissionsRejected: number;
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

/** A value with its lifetime (see StoredLifetime: `expiresAt` is when it stops being fresh). */
export interface MemoryEntry<T> extends StoredLifetime {
  value: T;
  /** Past `expiresAt`, within its grace: answered only to a read that allows stale values. */
  stale: boolean;
}

export interface MemoryReadOptions {
  /** Also answer an entry past its TTL but within its grace window, with `stale: true`. */
  allowStale?: boolean;
}

/** What `freshness` found in a slot. */
const FRESH = 0;
const STALE = 1;
const GONE = 2;

/** Tags of an entry, and the stamp taken when its load began (see `LocalTagVersions`). */
export interface MemoryTagging {
  tags: readonly string[];
  stamp?: number;
}

/**
 * The L1 tier: a synchronous map bounded by entries and estimated bytes, with per-entry TTLs
 * and O(tags) tag invalidation; what a full store drops is its policy's choice (LRU, or W-TinyLFU).
 * Values are held by reference: treat what `get` returns as frozen.
 *
 * Entries live in numbered slots: a Map from key to slot, parallel arrays for the slots' data and
 * a SlotOrder (LruOrder, or WindowTinyLfu) for recency, as lru-cache and mnemonist do. A hit allocates nothing: one Map lookup,
 * a TTL check against a coarse clock and a tag check (both skipped, without reading anything but
 * the Map, for an entry with neither TTL nor tags) and six typed-array writes. A full store makes
 * room for a new key by handing it the slot of the entry it evicts.
 */
export class MemoryStore implements OnApplicationShutdown {
  /**
   * Key to slot, negated for an entry that can expire or go tag-stale (it has a TTL or tags): a hit
   * on any other entry learns from the lookup itself that it needs no check. Read with `slotIn`.
   */
  private readonly slotOf = new Map<string, number>();
  private readonly order: SlotOrder;
  /** `lru`: a full store recycles its oldest entry's slot for a new key, skipping the policy's victim() and the key hash. */
  private readonly recyclesOldest: boolean;
  /** Data of slot i at index i; index 0 belongs to the order's sentinel. */
  private readonly slotKeys: (string | undefined)[] = [undefined];
  private readonly slotValues: unknown[] = [undefined];
  /** Epoch ms the entry is fresh until, 0 for never. */
  private readonly expiresAt: number[] = [0];
  /** Epoch ms the entry is kept until (its expiry plus its grace), 0 for never: the sweeper's and reads' limit. */
  private readonly keptUntil: number[] = [0];
  /** The TTL the entry was stored with (see StoredLifetime.ttlMs). */
  private readonly ttlMs: number[] = [0];
  private readonly slotBytes: number[] = [0];
  private readonly slotTags: (readonly string[] | undefined)[] = [undefined];
  private readonly slotStamps: number[] = [0];
  private readonly tagVersions = new LocalTagVersions();
  private readonly now: () => number;
  /**
   * The clock an expiry is computed from: precise, since the coarse one lags by as long as the
   * event loop runs without reaching its timers (over 50 ms was seen in a test run), and an entry
   * set for 50 ms then expired at once, which cache-manager's `ttl()` reported. Reads keep the
   * coarse clock.
   */
  private readonly writeNow: () => number;
  private readonly defaultTtlMs: number;
  private readonly sweepBatchSize: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepCursor: Iterator<number> | undefined;
  private totalBytes = 0;
  private hitCount = 0;
  private missCount = 0;
  private setCount = 0;
  private deleteCount = 0;
  private evictionCount = 0;
  private admissionRejectionCount = 0;
  private expirationCount = 0;
  private tagInvalidationCount = 0;
  private oversizedCount = 0;

  constructor(private readonly options: MemoryStoreOptions) {
    const policy = options.policy ?? 'lru';
    if (!MEMORY_POLICIES.includes(policy)) {
      throw new Error(`MemoryStore: policy must be lru or tinylfu (got "${String(policy)}")`);
    }
    // One slot more than maxEntries: with maxEntries 0 (and under tinylfu, always), a set links its
    // entry before evictOverflow makes room.
    this.recyclesOldest = policy === 'lru';
    this.order = policy === 'lru' ? new LruOrder(options.maxEntries + 1) : new WindowTinyLfu(options.maxEntries);
    this.now = options.now ?? coarseNowMs;
    this.writeNow = options.now ?? Date.now;
    this.defaultTtlMs = options.defaultTtlMs ?? 0;
    this.sweepBatchSize = options.sweepBatchSize ?? DEFAULT_SWEEP_BATCH;
    const sweepIntervalMs = options.sweepIntervalMs ?? 1_000;
    if (sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs);
      this.sweepTimer.unref();
    }
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** The clock expiries are computed from (a manual one in tests): the age of an entry is measured by it. */
  nowMs(): number {
    return this.writeNow();
  }

  get<T = unknown>(key: string): T | undefined {
    const code = this.slotOf.get(key);
    if (code === undefined) {
      this.missCount++;
      return undefined;
    }
    let slot = code;
    // Entries without TTL or tags (a positive code) skip the staleness check entirely.
    if (code < 0) {
      slot = -code;
      if (this.freshness(slot) !== FRESH) {
        this.missCount++;
        return undefined;
      }
    }
    this.order.touch(slot);
    this.hitCount++;
    return this.slotValues[slot] as T;
  }

  /**
   * `get` with the entry's lifetime, for callers that must answer when a value expires
   * (cache-manager's `ttl()`), how old it is (eager refresh) or whether it is a stale fallback
   * (`allowStale`: a value within grace, promoted but counted as a miss, since no fresh value was
   * there). A value whose tag was invalidated is never answered, stale or not. Allocates; `get` does not.
   */
  getEntry<T = unknown>(key: string, options?: MemoryReadOptions): MemoryEntry<T> | undefined {
    const code = this.slotOf.get(key);
    const state = code === undefined ? GONE : code < 0 ? this.freshness(-code) : FRESH;
    if (state === GONE || (state === STALE && options?.allowStale !== true)) {
      this.missCount++;
      return undefined;
    }
    const slot = slotIn(code!);
    this.order.touch(slot);
    if (state === FRESH) this.hitCount++;
    else this.missCount++;
    const expiresAt = this.expiresAt[slot];
    return {
      value: this.slotValues[slot] as T,
      expiresAt,
      ttlMs: this.ttlMs[slot],
      graceMs: expiresAt === 0 ? 0 : this.keptUntil[slot] - expiresAt,
      stale: state === STALE,
    };
  }

  /** True when `key` holds a fresh value; neither promotes it nor counts a hit or miss. */
  has(key: string): boolean {
    const code = this.slotOf.get(key);
    return code !== undefined && this.freshness(slotIn(code)) === FRESH;
  }

  /**
   * Stores `value` for `ttlMs` (the default TTL when omitted, 0 for no expiry), or for a lifetime:
   * an `EntryLifetime` keeps it `graceMs` past its TTL as a stale fallback, a `StoredLifetime` (an
   * entry from another tier) keeps that entry's expiry, grace and TTL. `undefined` is "no value" and
   * deletes the key, as does a copied lifetime already over; a value estimated over `maxEntryBytes`
   * is not cached (and any older value of the key is dropped, so that a read never returns what was
   * overwritten). Answers false when the value was refused as oversized.
   */
  set(key: string, value: unknown, lifetime?: number | EntryLifetime | StoredLifetime, tagging?: MemoryTagging): boolean {
    // A plain TTL, the common case, is resolved without allocating a lifetime.
    const plain = lifetime === undefined || typeof lifetime === 'number';
    const ttl = plain ? resolveTtlMs(lifetime, this.defaultTtlMs) : 0;
    const setAt = plain && ttl === 0 ? 0 : this.writeNow();
    const resolved = plain ? undefined : resolveLifetime(lifetime, this.defaultTtlMs, setAt);
    const expiresAt = resolved !== undefined ? resolved.expiresAt : ttl === 0 ? 0 : setAt + ttl;
    const kept = resolved !== undefined ? keptUntil(resolved) : expiresAt;
    // A copied lifetime can be over already (an entry that spent its grace on the way).
    if (value === undefined || (kept !== 0 && kept <= setAt)) {
      this.delete(key);
      return true;
    }
    const bytes = this.entryBytes(key, value);
    if (bytes > this.options.maxEntryBytes) {
      this.dropOversized(key);
      return false;
    }
    const tags = tagging && tagging.tags.length > 0 ? tagging.tags : undefined;
    this.setCount++;
    const checked = expiresAt !== 0 || tags !== undefined;
    const code = this.slotOf.get(key);
    let slot: number;
    if (code !== undefined) {
      slot = slotIn(code);
      this.totalBytes -= this.slotBytes[slot];
      this.order.touch(slot);
      if (checked !== code < 0) this.slotOf.set(key, checked ? -slot : slot);
    } else {
      slot = !this.recyclesOldest
        ? this.order.allocate(hashKey(key))
        : this.slotOf.size >= this.options.maxEntries
          ? this.recycleOldest()
          : this.order.allocate(0);
      this.slotOf.set(key, checked ? -slot : slot);
      this.slotKeys[slot] = key;
    }
    this.slotValues[slot] = value;
    this.expiresAt[slot] = expiresAt;
    this.keptUntil[slot] = kept;
    this.ttlMs[slot] = resolved !== undefined ? resolved.ttlMs : ttl;
    this.slotBytes[slot] = bytes;
    this.slotTags[slot] = tags;
    this.slotStamps[slot] = tags === undefined ? 0 : (tagging!.stamp ?? this.tagVersions.stamp());
    this.totalBytes += bytes;
    this.evictOverflow();
    return true;
  }

  /** Counts a value refused as oversized and drops the key's older value. */
  private dropOversized(key: string): void {
    this.oversizedCount++;
    this.delete(key);
  }

  /**
   * Deletes `key`, a stale copy within grace included (a deleted value must not come back as a
   * fallback); true when it held a fresh value (an expired, stale or tag-stale entry is dropped, not counted).
   */
  delete(key: string): boolean {
    const code = this.slotOf.get(key);
    if (code === undefined) return false;
    const slot = slotIn(code);
    const state = this.freshness(slot);
    if (state === GONE) return false;
    this.remove(slot);
    if (state === STALE) return false;
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
      for (const code of this.slotOf.values()) {
        const slot = slotIn(code);
        if (this.slotTags[slot] !== undefined) this.remove(slot);
      }
    }
  }

  /** Deletes the keys matching a Redis-style glob, stale copies within grace included; returns how many were fresh. */
  deletePattern(pattern: string): number {
    const glob = compileGlob(pattern);
    let deleted = 0;
    for (const [key, code] of this.slotOf) {
      const slot = slotIn(code);
      if (!glob.matches(key)) continue;
      const state = this.freshness(slot);
      if (state === GONE) continue;
      this.remove(slot);
      if (state === FRESH) deleted++;
    }
    this.deleteCount += deleted;
    return deleted;
  }

  /** Keys of fresh values, optionally only those matching a Redis-style glob (`*`, `?`, `[...]`). */
  keys(pattern?: string): string[] {
    const glob = pattern === undefined ? undefined : compileGlob(pattern);
    const keys: string[] = [];
    for (const [key, code] of this.slotOf) {
      if (this.freshness(slotIn(code)) !== FRESH) continue;
      if (glob === undefined || glob.matches(key)) keys.push(key);
    }
    return keys;
  }

  clear(): void {
    this.slotOf.clear();
    this.slotKeys.length = this.slotValues.length = this.expiresAt.length = this.keptUntil.length = this.ttlMs.length = 1;
    this.slotBytes.length = this.slotTags.length = this.slotStamps.length = 1;
    this.order.clear();
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
      admissionsRejected: this.admissionRejectionCount,
      expirations: this.expirationCount,
      tagInvalidations: this.tagInvalidationCount,
      oversized: this.oversizedCount,
      entries: this.slotOf.size,
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

  onApplicationShutdown(): void {
    this.close();
  }

  /**
   * Looks at up to `sweepBatchSize` entries, resuming where the previous tick stopped, and drops
   * those past their grace (an entry within grace is kept: it is a fallback). Map iterators stay
   * valid while entries are added and removed.
   */
  sweep(): number {
    const now = this.now();
    const cursor = this.sweepCursor ?? this.slotOf.values();
    this.sweepCursor = cursor;
    let dropped = 0;
    for (let seen = 0; seen < this.sweepBatchSize; seen++) {
      const next = cursor.next();
      if (next.done) {
        this.sweepCursor = undefined; // a full pass ended: the next tick starts a new one
        break;
      }
      const slot = slotIn(next.value);
      if (this.keptUntil[slot] !== 0 && this.keptUntil[slot] <= now) {
        this.remove(slot);
        this.expirationCount++;
        dropped++;
      }
    }
    return dropped;
  }

  /** The estimate stops counting past `maxEntryBytes`: an oversized value costs no more to refuse than one of the limit. */
  private entryBytes(key: string, value: unknown): number {
    return ENTRY_OVERHEAD_BYTES + estimateStringBytes(key) + estimateBytes(value, this.options.maxEntryBytes);
  }

  /**
   * FRESH, STALE (past its TTL, within grace: kept as a fallback) or GONE: past its grace, or one of
   * its tags invalidated since its load (invalidation wins over grace), and then removed here.
   * A fresh hit reads what it read before grace existed: the expiry, then the tags.
   */
  private freshness(slot: number): typeof FRESH | typeof STALE | typeof GONE {
    const expiresAt = this.expiresAt[slot];
    let state: typeof FRESH | typeof STALE = FRESH;
    if (expiresAt !== 0 && expiresAt <= this.now()) {
      if (this.keptUntil[slot] <= this.now()) {
        this.remove(slot);
        this.expirationCount++;
        return GONE;
      }
      state = STALE;
    }
    const tags = this.slotTags[slot];
    if (tags !== undefined && this.tagVersions.isStale(tags, this.slotStamps[slot])) {
      this.remove(slot);
      this.tagInvalidationCount++;
      return GONE;
    }
    return state;
  }

  /**
   * Under `lru`, a full store makes room for a new key by evicting its least recently used entry first and
   * taking over that entry's slot, now the most recently used: the same entry goes as if it were
   * evicted after the insert, without freeing a slot only to allocate it again.
   */
  private recycleOldest(): number {
    const oldest = this.order.victim();
    if (oldest === 0) return this.order.allocate(0); // maxEntries 0: evictOverflow drops the new entry
    this.slotOf.delete(this.slotKeys[oldest]!);
    this.totalBytes -= this.slotBytes[oldest];
    this.evictionCount++;
    this.order.touch(oldest);
    return oldest;
  }

  private evictOverflow(): void {
    const { maxEntries, maxBytes } = this.options;
    while (this.slotOf.size > maxEntries || this.totalBytes > maxBytes) {
      const victim = this.order.victim();
      if (victim === 0) break;
      if (victim < 0) {
        this.remove(-victim);
        this.admissionRejectionCount++;
      } else {
        this.remove(victim);
        this.evictionCount++;
      }
    }
  }

  private remove(slot: number): void {
    this.slotOf.delete(this.slotKeys[slot]!);
    this.order.release(slot);
    this.totalBytes -= this.slotBytes[slot];
    this.slotKeys[slot] = undefined;
    this.slotValues[slot] = undefined; // let the value be collected
    this.slotTags[slot] = undefined;
  }
}

/** The slot of a `slotOf` code: slots of entries with a TTL or tags are stored negated. */
function slotIn(code: number): number {
  return code < 0 ? -code : code;
}

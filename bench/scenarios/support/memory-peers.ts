/**
 * Ours and the in-process LRU peers of scenarios 1 and 2, configured alike: the same capacity in
 * entries and, where the peer has TTLs, the same TTL on every entry. Each contender gets its own
 * loop function (not one generic loop over an interface), so that every call site in a timed loop
 * sees one receiver shape only, as it would in an application using just that cache.
 */
import { LRUCache } from 'lru-cache';
import MnemonistLRUCache from 'mnemonist/lru-cache';
import { LRU as TinyLRU } from 'tiny-lru';
import { MemoryPolicy, MemoryStore } from '../../../src/cache/stores/memory.store';

/** Large enough never to bind: scenarios 1 and 2 bound the stores by entries, as the peers are. */
export const UNBOUNDED_BYTES = 4 * 1024 ** 3;
export const MAX_ENTRY_BYTES = 1024 ** 2;

export function ourStore(maxEntries: number, policy: MemoryPolicy = 'lru', defaultTtlMs = 0): MemoryStore {
  // No background sweeper: the peers have none either (lru-cache is run with ttlAutopurge: false).
  return new MemoryStore({
    maxEntries,
    maxBytes: UNBOUNDED_BYTES,
    maxEntryBytes: MAX_ENTRY_BYTES,
    defaultTtlMs,
    sweepIntervalMs: 0,
    policy,
  });
}

/** lru-cache as a typical user configures it: `max`, and `ttl` when entries expire. */
export function lruCache(max: number, ttlMs = 0): LRUCache<string, object> {
  return ttlMs > 0 ? new LRUCache<string, object>({ max, ttl: ttlMs, ttlAutopurge: false }) : new LRUCache<string, object>({ max });
}

export function mnemonistLru(max: number): MnemonistLRUCache<string, object> {
  return new MnemonistLRUCache<string, object>(max);
}

export function tinyLru(max: number, ttlMs = 0): TinyLRU<object> {
  return new TinyLRU<object>(max, ttlMs);
}

// Timed loops, one per contender, over [from, to) of a precomputed sequence. The get loops answer
// the lookups made (and count hits into a sink, so that no result is unused), the set loops the sets made.

/** Hits seen by the get loops; read by nobody, written so that the lookups cannot be optimized away. */
export let hitSink = 0;

export function getAllOurs(store: MemoryStore, sequence: readonly string[], from = 0, to = sequence.length): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (store.get(sequence[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getAllLruCache(cache: LRUCache<string, object>, sequence: readonly string[], from = 0, to = sequence.length): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (cache.get(sequence[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getAllMnemonist(
  cache: MnemonistLRUCache<string, object>,
  sequence: readonly string[],
  from = 0,
  to = sequence.length,
): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (cache.get(sequence[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getAllTinyLru(cache: TinyLRU<object>, sequence: readonly string[], from = 0, to = sequence.length): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (cache.get(sequence[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getAllMap(map: Map<string, object>, sequence: readonly string[], from = 0, to = sequence.length): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (map.get(sequence[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function setAllOurs(
  store: MemoryStore,
  keys: readonly string[],
  values: readonly object[],
  ttlMs: number | undefined,
  from = 0,
  to = keys.length,
): number {
  for (let i = from; i < to; i++) store.set(keys[i], values[i], ttlMs);
  return to - from;
}

export function setAllLruCache(
  cache: LRUCache<string, object>,
  keys: readonly string[],
  values: readonly object[],
  from = 0,
  to = keys.length,
): number {
  for (let i = from; i < to; i++) cache.set(keys[i], values[i]);
  return to - from;
}

export function setAllMnemonist(
  cache: MnemonistLRUCache<string, object>,
  keys: readonly string[],
  values: readonly object[],
  from = 0,
  to = keys.length,
): number {
  for (let i = from; i < to; i++) cache.set(keys[i], values[i]);
  return to - from;
}

export function setAllTinyLru(
  cache: TinyLRU<object>,
  keys: readonly string[],
  values: readonly object[],
  from = 0,
  to = keys.length,
): number {
  for (let i = from; i < to; i++) cache.set(keys[i], values[i]);
  return to - from;
}

export function setAllMap(
  map: Map<string, object>,
  keys: readonly string[],
  values: readonly object[],
  from = 0,
  to = keys.length,
): number {
  for (let i = from; i < to; i++) map.set(keys[i], values[i]);
  return to - from;
}

// Lookups whose key the caller builds for each call (`prefix + rest`: a new string, neither hashed
// nor internalized yet), as the keys CacheService receives from its callers are.

export function getBuiltOurs(store: MemoryStore, prefix: string, rests: readonly string[], from = 0, to = rests.length): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (store.get(prefix + rests[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getBuiltLruCache(
  cache: LRUCache<string, object>,
  prefix: string,
  rests: readonly string[],
  from = 0,
  to = rests.length,
): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (cache.get(prefix + rests[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getBuiltMnemonist(
  cache: MnemonistLRUCache<string, object>,
  prefix: string,
  rests: readonly string[],
  from = 0,
  to = rests.length,
): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (cache.get(prefix + rests[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getBuiltTinyLru(cache: TinyLRU<object>, prefix: string, rests: readonly string[], from = 0, to = rests.length): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (cache.get(prefix + rests[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

export function getBuiltMap(map: Map<string, object>, prefix: string, rests: readonly string[], from = 0, to = rests.length): number {
  let hits = 0;
  for (let i = from; i < to; i++) if (map.get(prefix + rests[i]) !== undefined) hits++;
  hitSink += hits;
  return to - from;
}

import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import type { CacheService } from '../cache.service';
import { escapeGlob } from '../util/glob';

/** What Keyv 5 hands a store without a serializer, and what it expects back: the value and its expiry. */
type KeyvEnvelope = { value: unknown; expires?: number | null };

/**
 * How a store entry written by a Keyv *with* a serializer lies in CacheService: the serialized text,
 * opaque to us, in an object no plain cached value is, so that `get` knows to hand back the text for
 * Keyv to deserialize (Keyv deserializes only strings, and only its own serializer can).
 */
const SERIALIZED = '@chat-cache/keyv-serialized';
type SerializedEntry = { [SERIALIZED]: string };

/**
 * A Keyv 5 store over CacheService: `CACHE_MANAGER` uses it, so that code written for
 * `@nestjs/cache-manager` reads and writes the same tiers, coherent across instances; Keyv and
 * cache-manager users can build on it too (`new Keyv({ store: new ChatCacheKeyvStore(cache) })`).
 *
 * - Without a Keyv serializer (as `CACHE_MANAGER` is built) values go to CacheService as they are, so
 *   both APIs see the same values, and they round-trip exactly through our codec. With one, the
 *   serialized text is stored as it is (see SERIALIZED).
 * - Entries carry their expiry: `get` answers `{ value, expires }` with the tier's `expiresAt`, which
 *   cache-manager's `ttl()`, `wrap(..., { raw: true })` and `refreshThreshold` read.
 * - No expiry from Keyv means none: Keyv has already applied its own default `ttl` and turned a
 *   `ttl` of 0 ("never expires" for Keyv and cache-manager) into none, so the module's
 *   `defaultTtlMs` must not apply here; `CACHE_MANAGER` gets it as cache-manager's default `ttl`.
 * - A namespaced Keyv (Keyv's default namespace is `keyv`) clears its namespace only, as
 *   `@keyv/redis` does; without one, `clear()` clears CacheService (our prefix only).
 */
export class ChatCacheKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  opts: Record<string, unknown> = {};
  /** Set by Keyv to its namespace; keys then arrive as `<namespace>:<key>`. */
  namespace?: string;

  constructor(private readonly cache: CacheService) {
    super();
  }

  /** `{ value, expires }`, or the serialized text a Keyv with a serializer stored (Keyv's types do not name a string). */
  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const entry = await this.cache.getEntry<Value | SerializedEntry>(key);
    if (entry === undefined) return undefined;
    // L1 checks expiry on a coarse clock, which can lag: what it still holds may be just past its
    // expiry, and Keyv, seeing that, would delete the key on every instance.
    if (entry.expiresAt !== 0 && entry.expiresAt <= Date.now()) return undefined;
    if (isSerializedEntry(entry.value)) return entry.value[SERIALIZED] as StoredData<Value>;
    return { value: entry.value as Value, expires: entry.expiresAt === 0 ? undefined : entry.expiresAt };
  }

  /** `ttl` is Keyv's, in ms, undefined for none; an envelope's `expires` says the same as an instant. */
  async set(key: string, data: KeyvEnvelope | string, ttl?: number): Promise<boolean> {
    if (typeof data === 'string') {
      const stored: SerializedEntry = { [SERIALIZED]: data };
      await this.cache.set(key, stored, { ttlMs: ttlFromKeyv(ttl) });
      return true;
    }
    const ttlMs = typeof data.expires === 'number' ? Math.max(1, data.expires - Date.now()) : ttlFromKeyv(ttl);
    await this.cache.set(key, data.value, { ttlMs });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.cache.delete(key)) > 0;
  }

  /** One CacheService call (one announcement to the other instances); true when every key existed, as Keyv's fallback answers. */
  async deleteMany(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    return (await this.cache.delete(keys)) >= new Set(keys).size;
  }

  async clear(): Promise<void> {
    if (this.namespace) await this.cache.invalidatePattern(`${escapeGlob(this.namespace)}:*`);
    else await this.cache.clear();
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  /** Connections belong to ChatCacheModule, which closes them on application shutdown. */
  async disconnect(): Promise<void> {}
}

/**
 * Keyv passes no `ttl` for "never expires" (it has turned 0 into none); 0 is CacheService's "never".
 * A negative `ttl` is already over: the shortest entry CacheService keeps. NaN and Infinity go on
 * to CacheService, which refuses them with a RangeError.
 */
function ttlFromKeyv(ttl: number | undefined): number {
  if (ttl === undefined || ttl === 0) return 0;
  return Number.isFinite(ttl) ? Math.max(1, ttl) : ttl;
}

function isSerializedEntry(value: unknown): value is SerializedEntry {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === SERIALIZED && typeof (value as SerializedEntry)[SERIALIZED] === 'string';
}

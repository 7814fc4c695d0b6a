import { EventEmitter } from 'node:events';
import { Cache, createCache } from 'cache-manager';
import { Keyv, KeyvStoreAdapter, StoredData } from 'keyv';
import type { ResolvedChatCacheOptions } from '../chat-cache.options';
import type { CacheService } from '../cache.service';

type KeyvEnvelope = { value: unknown; expires?: number };

/**
 * A Keyv storage adapter over CacheService, so that code written for `@nestjs/cache-manager`
 * (`@Inject(CACHE_MANAGER) cache: Cache`) reads and writes the same tiers, coherent across
 * instances, and its `clear()` deletes our prefix only (cache-manager-ioredis-yet's sends FLUSHDB).
 * Keyv's serializer is turned off: values go to CacheService as they are and round-trip exactly.
 */
export class CacheServiceKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  opts: Record<string, unknown> = {};
  namespace?: string;

  constructor(private readonly cache: CacheService) {
    super();
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    const value = await this.cache.get<Value>(key);
    return value === undefined ? undefined : ({ value } as StoredData<Value>);
  }

  async set(key: string, envelope: KeyvEnvelope, ttlMs?: number): Promise<boolean> {
    await this.cache.set(key, envelope.value, ttlMs === undefined ? {} : { ttlMs });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.cache.delete(key)) > 0;
  }

  async clear(): Promise<void> {
    await this.cache.clear();
  }

  async has(key: string): Promise<boolean> {
    return (await this.cache.get(key)) !== undefined;
  }

  /** Connections belong to ChatCacheModule, which closes them on application shutdown. */
  async disconnect(): Promise<void> {}
}

export function createCompatCacheManager(cache: CacheService, options: ResolvedChatCacheOptions): Cache {
  const keyv = new Keyv({
    store: new CacheServiceKeyvAdapter(cache),
    namespace: undefined,
    serialize: undefined,
    deserialize: undefined,
    useKeyPrefix: false,
  });
  return createCache({ stores: [keyv], ttl: options.defaultTtlMs || undefined });
}

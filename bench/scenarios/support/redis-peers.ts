/**
 * The peers of scenarios 4-6, built the way their documentation shows, on one redis-server.
 * Every peer's ioredis client gets the connection behaviour ours gets from createRedisClient
 * (adaptive auto-pipelining, see `adaptAutoPipelining` in src/cache/stores/redis-client.factory.ts,
 * and the same command timeout), so that ratios compare the libraries' layers, not their connection
 * options. Only the bare-ioredis contenders of scenario 4 are about that setting (auto-pipelining
 * off, and always on).
 */
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { Cache, CacheManagerStore, createCache, KeyvAdapter } from 'cache-manager';
import { redisInsStore } from 'cache-manager-ioredis-yet';
import Redis from 'ioredis';
import { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_MAX_ENTRIES } from '../../../src/cache/chat-cache.defaults';
import { adaptAutoPipelining } from '../../../src/cache/stores/redis-client.factory';

/** `adaptive` is what createRedisClient does for ours (adaptAutoPipelining); `off` is ioredis's default. */
export type Pipelining = 'off' | 'always' | 'adaptive';

/** A connected ioredis client. */
export async function ioredisClient(url: string, pipelining: Pipelining = 'adaptive'): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableAutoPipelining: pipelining !== 'off',
    commandTimeout: DEFAULT_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
  });
  if (pipelining === 'adaptive') adaptAutoPipelining(client);
  await client.connect();
  return client;
}

/** QUIT then disconnect, never throwing (the bench cleans up even after an error). */
export async function closeClient(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await client.quit();
  } catch {
    // gone already
  } finally {
    client.disconnect();
  }
}

export interface CacheManagerPeer {
  cache: Cache;
  /** Empties the memory store only (a Map: no Redis command is sent). */
  clearL1(): Promise<void>;
  close(): Promise<void>;
}

/**
 * cache-manager 7 over Keyv 5 over cache-manager-ioredis-yet, as its README's "Using Legacy Storage
 * Adapters" shows; with `memory`, a first store in front of it: a Keyv on its default Map without
 * serialization (what cache-manager's own default memory store is, and its README's advice for
 * in-memory Keyv), i.e. values held by reference, as ours and bentocache (serialize: false) hold
 * them. Its `clear()` would empty the whole Redis database: never called.
 */
export async function cacheManagerPeer(url: string, options: { memory: boolean; namespace: string }): Promise<CacheManagerPeer> {
  const client = await ioredisClient(url);
  const redisKeyv = new Keyv({
    store: new KeyvAdapter(redisInsStore(client) as unknown as CacheManagerStore),
    namespace: options.namespace,
  });
  const memory = options.memory ? new Keyv({ namespace: options.namespace }) : undefined;
  if (memory) {
    memory.serialize = undefined;
    memory.deserialize = undefined;
  }
  const cache = createCache({ stores: memory ? [memory, redisKeyv] : [redisKeyv] });
  return { cache, clearL1: async () => void (await memory?.clear()), close: () => closeClient(client) };
}

export interface BentoPeer {
  bento: BentoCache<{ tiered: ReturnType<typeof bentostore> }>;
  /** Empties the memory tier only (the LRUCache behind bentocache's memory driver). */
  clearL1(): void;
  close(): Promise<void>;
}

/**
 * bentocache with the layout of ours in hybrid mode: a memory L1 (lru-cache, holding as many
 * entries as ours does by default), a Redis L2 on an ioredis client like ours, and a Redis bus
 * for L1 invalidation across instances (ours runs one too; it costs nothing on reads).
 * `serializeL1` false holds values by reference, as ours does; true is bentocache's default
 * (L1 holds JSON strings, parsed on every hit). The L1's LRUCache is passed in (the memory
 * driver's `cacheInstance` option) so that a bench can empty L1 alone between rounds.
 */
export async function bentoPeer(url: string, options: { prefix: string; serializeL1: boolean; bus?: boolean }): Promise<BentoPeer> {
  const client = await ioredisClient(url);
  const l1 = new LRUCache<string, NonNullable<unknown>>({ max: DEFAULT_MAX_ENTRIES, ttlAutopurge: false });
  const memory = { maxItems: DEFAULT_MAX_ENTRIES, serialize: options.serializeL1, cacheInstance: l1 } as MemoryConfig;
  const store = bentostore()
    .useL1Layer(memoryDriver(memory))
    .useL2Layer(redisDriver({ connection: client }));
  const { hostname, port } = new URL(url);
  if (options.bus !== false) store.useBus(redisBusDriver({ connection: { host: hostname, port: Number(port) } }));
  const bento = new BentoCache({ default: 'tiered', prefix: options.prefix, stores: { tiered: store } });
  return {
    bento,
    clearL1: () => l1.clear(),
    close: async () => {
      try {
        await bento.disconnectAll();
      } finally {
        await closeClient(client);
      }
    },
  };
}

type MemoryConfig = NonNullable<Parameters<typeof memoryDriver>[0]>;

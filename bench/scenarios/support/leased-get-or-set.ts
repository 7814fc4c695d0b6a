/**
 * Ours with `lock: 'cluster'`, until CacheService has the option: `getOrSet` whose factory runs
 * under a ClusterLease (loadUnderLease), the lease holder storing the value in Redis before it
 * releases so that waiters on other instances read it there. The lead swaps this for
 * `getOrSet(key, factory, { lock: 'cluster' })` once the lease is wired into the load step.
 * Reads and writes go to RedisStore directly: a CacheService.get inside the factory would join the
 * getOrSet's own single-flight and wait for itself.
 */
import type { CacheContext } from '../../../test/support/cache-context';
import { ClusterLease, loadUnderLease, RedisPubSubLeaseWake } from '../../../src/cache/locks';
import type Redis from 'ioredis';
import { closeClient, ioredisClient } from './redis-peers';

export interface LeasedCache {
  getOrSet<T>(key: string, factory: () => Promise<T>, ttlMs: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * `holderStores` false leaves the write to getOrSet alone (one L2 write per miss, as the wired
 * option will do), for the miss-path cost (scenario 11) where no instance waits on the holder.
 */
export async function leasedCache(ours: CacheContext, url: string, prefix: string, holderStores = true): Promise<LeasedCache> {
  const redis = ours.redis;
  if (!redis) throw new Error('leasedCache needs ours in hybrid mode');
  const client: Redis = await ioredisClient(url);
  const subscriber: Redis = await ioredisClient(url);
  const wake = new RedisPubSubLeaseWake(subscriber, `${prefix}__cc:lease-released`);
  await wake.start();
  const lease = new ClusterLease(client, { prefix, wake });
  return {
    getOrSet: (key, factory, ttlMs) =>
      ours.cache.getOrSet(
        key,
        () =>
          loadUnderLease(lease, key, {
            readLanded: () => redis.get(key),
            loadAndStore: async () => {
              const value = await factory();
              if (holderStores) await redis.set(key, value, ttlMs);
              return value;
            },
          }),
        { ttlMs },
      ),
    close: async () => {
      wake.stop();
      await Promise.all([closeClient(client), closeClient(subscriber)]);
    },
  };
}

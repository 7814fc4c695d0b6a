import calculateSlot from 'cluster-key-slot';
import Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { commandCalls, resetCommandStats } from '../support/command-stats';
import { RedisCluster } from '../support/redis-cluster';

describe('getMany on a real Redis Cluster (three masters)', () => {
  let cluster: RedisCluster;
  let a: CacheContext;
  let b: CacheContext;
  let masters: Redis[];

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    const options = { keyPrefix: 'bcl:', redis: { clusterNodes: cluster.nodes } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
    masters = cluster.servers.map((server) => server.client());
  }, 30_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all((masters ?? []).map((node) => node.quit()));
    await cluster?.stop();
  });

  it('sends one MGET per hash slot (never a GET per key) and answers every key in order, tags checked', async () => {
    // Hash tags put several keys in one slot; the others spread over the three masters.
    const keys = [...Array.from({ length: 12 }, (_, i) => `{room}:${i}`), ...Array.from({ length: 18 }, (_, i) => `k:${i}`)];
    for (const [i, key] of keys.entries()) await a.cache.set(key, { i, at: new Date(i) }, { tags: i % 2 ? ['odd'] : [] });
    await a.cache.invalidateTags(['odd']);
    b.memory.clear();
    await Promise.all(masters.map(resetCommandStats));
    const values = await b.cache.getMany([...keys, 'absent']);
    expect(values).toEqual([...keys.map((_, i) => (i % 2 ? undefined : { i, at: new Date(i) })), undefined]);
    const calls = await Promise.all(masters.map(commandCalls));
    const slots = new Set([...keys, 'absent'].map((key) => calculateSlot(`bcl:${key}`)));
    const mgets = calls.reduce((sum, node) => sum + (node.mget ?? 0), 0);
    const gets = calls.reduce((sum, node) => sum + (node.get ?? 0), 0);
    // Plus one MGET for the one tag's version.
    expect({ mgets, gets }).toEqual({ mgets: slots.size + 1, gets: 0 });
    expect(calls.filter((node) => (node.mget ?? 0) > 0)).toHaveLength(3);
  });

  it('getOrSetMany loads what the cluster lacks in one call and the other instance reads it back', async () => {
    const loadMissing = jest.fn(async (missing: string[]) => new Map(missing.map((key) => [key, key.toUpperCase()])));
    const keys = Array.from({ length: 20 }, (_, i) => `load:${i}`);
    expect(await a.cache.getOrSetMany(keys, loadMissing)).toEqual(keys.map((key) => key.toUpperCase()));
    expect(loadMissing).toHaveBeenCalledTimes(1);
    await a.close();
    a = await startCacheContext({ keyPrefix: 'bcl:', redis: { clusterNodes: cluster.nodes }, instanceId: 'A2' });
    expect(await b.cache.getMany(keys)).toEqual(keys.map((key) => key.toUpperCase()));
  });
});

import Redis, { Cluster } from 'ioredis';
import { ClusterLease, HeldLease, LeaseAttempt, LeaseWaiters, RedisPubSubLeaseWake } from '../../src/cache/locks';
import { closeRedisClient, createRedisClient } from '../../src/cache/stores/redis-client.factory';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { RedisCluster } from '../support/redis-cluster';
import { eventually } from '../support/redis-server';

describe('on a real Redis Cluster (three masters)', () => {
  let cluster: RedisCluster;
  let a: CacheContext;
  let b: CacheContext;
  let spy: Cluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    const options = { keyPrefix: 'cl:', redis: { clusterNodes: cluster.nodes } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
    spy = new Redis.Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) })));
  }, 30_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    spy?.disconnect();
    await cluster?.stop();
  });

  it('round-trips values on keys spread over every master', async () => {
    for (let i = 0; i < 60; i++) await a.cache.set(`k:${i}`, { i, at: new Date(i) });
    b.memory.clear();
    for (let i = 0; i < 60; i++) expect(await b.cache.get(`k:${i}`)).toEqual({ i, at: new Date(i) });
    const perMaster = await Promise.all(spy.nodes('master').map((node) => node.dbsize()));
    expect(perMaster.filter((size) => size > 0)).toHaveLength(3);
  });

  it('invalidatePattern and clear scan every master, and spare keys outside the prefix', async () => {
    for (let i = 0; i < 30; i++) await spy.set(`other:${i}`, 'theirs');
    for (let i = 0; i < 30; i++) await a.cache.set(`p:${i}`, i);
    expect(await a.cache.invalidatePattern('p:*')).toBe(30);
    await a.cache.clear();
    expect(await a.cache.get('k:1')).toBeUndefined();
    for (let i = 0; i < 30; i++) expect(await spy.get(`other:${i}`)).toBe('theirs');
  });

  it('tags and the bus work across instances', async () => {
    await a.cache.set('s:1', 'one', { tags: ['session:1'] });
    expect(await b.cache.get('s:1')).toBe('one');
    await a.cache.invalidateTags(['session:1']);
    expect(await eventually(async () => (await b.cache.get('s:1')) === undefined, 1_000)).toBe(true);
    expect(b.cache.stats().bus!.received).toBeGreaterThan(0);
  });

  // Its scripts send the lease and its waiters flag together: one CROSSSLOT error and the lease would be "unavailable" for ever.
  // On this file's cluster: a spec of its own, starting a second cluster beside this one, hung in its beforeAll in 3 of 6 runs with other specs (cause not found).
  it('the cluster lease acquires, flags a waiter, wakes it and releases, on keys of every master', async () => {
    const channel = 'cl:__cc:lease-released';
    const connect = () => createRedisClient({ clusterNodes: cluster.nodes, commandTimeoutMs: 1_000, connectTimeoutMs: 1_000 });
    const [holderClient, waiterClient] = [connect(), connect()];
    const subscriber = holderClient.duplicate();
    try {
      await Promise.all([holderClient.connect(), waiterClient.connect(), subscriber.connect()]);
      const wake = new RedisPubSubLeaseWake(subscriber, channel);
      await wake.start();
      const holder = new ClusterLease(holderClient, { prefix: 'cl:', wake: new LeaseWaiters(channel) });
      const waiter = new ClusterLease(waiterClient, { prefix: 'cl:', wake, waitMs: 5_000 });
      const held = (attempt: LeaseAttempt): HeldLease => {
        if (attempt.outcome !== 'acquired') throw new Error(`expected the lease, got ${attempt.outcome}`);
        return attempt.lease;
      };
      for (const key of ['session:1', 'session:2', 'user:{7}:sessions', 'messages:9', 'k:a', 'k:b', 'k:c', 'k:d']) {
        const mine = held(await holder.acquire(key));
        expect((await waiter.acquire(key)).outcome).toBe('busy');
        const waiting = waiter.waitForRelease(key);
        await new Promise((resolve) => setTimeout(resolve, 30));
        expect(await mine.release()).toBe(true);
        expect(await waiting).toBe('released');
        expect(await held(await waiter.acquire(key)).release()).toBe(true);
      }
      wake.stop();
    } finally {
      await Promise.all([holderClient, waiterClient, subscriber].map(closeRedisClient));
    }
  }, 15_000);
});

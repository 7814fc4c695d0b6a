import { ClusterLease, HeldLease, LeaseAttempt, LeaseWaiters, RedisPubSubLeaseWake } from '../../src/cache/locks';
import { closeRedisClient, createRedisClient, RedisClient } from '../../src/cache/stores/redis-client.factory';
import { RedisCluster } from '../support/redis-cluster';

const PREFIX = 'cl:';
const CHANNEL = `${PREFIX}__cc:lease-released`;

function held(attempt: LeaseAttempt): HeldLease {
  if (attempt.outcome !== 'acquired') throw new Error(`expected the lease, got ${attempt.outcome}`);
  return attempt.lease;
}

describe('ClusterLease on a real Redis Cluster (three masters)', () => {
  let cluster: RedisCluster;
  const clients: RedisClient[] = [];

  async function client(): Promise<RedisClient> {
    const c = createRedisClient({ clusterNodes: cluster.nodes, commandTimeoutMs: 1_000, connectTimeoutMs: 1_000 });
    clients.push(c);
    await c.connect();
    return c;
  }

  let holderClient: RedisClient;
  let waiterClient: RedisClient;
  let subscriber: RedisClient;

  // Forming a cluster and connecting to it took over 30 s twice in 7 runs with the whole suite on this loaded 2-core machine
  // (3 s when alone); where it stalls is not yet known. Done here, not in the test's 5 s.
  beforeAll(async () => {
    cluster = await RedisCluster.start();
    holderClient = await client();
    waiterClient = await client();
    subscriber = holderClient.duplicate();
    clients.push(subscriber);
    await subscriber.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map(closeRedisClient));
    await cluster?.stop();
  });

  // Its scripts send the lease and its waiters flag together: one CROSSSLOT error and the lease would be "unavailable" for ever.
  it('acquires, flags a waiter, wakes it and releases, on keys of every master', async () => {
    const wake = new RedisPubSubLeaseWake(subscriber, CHANNEL);
    await wake.start();
    const holder = new ClusterLease(holderClient, { prefix: PREFIX, wake: new LeaseWaiters(CHANNEL) });
    const waiter = new ClusterLease(waiterClient, { prefix: PREFIX, wake, waitMs: 5_000 });
    const keys = ['session:1', 'session:2', 'user:{7}:sessions', 'messages:9', 'k:a', 'k:b', 'k:c', 'k:d'];
    for (const key of keys) {
      const mine = held(await holder.acquire(key));
      expect((await waiter.acquire(key)).outcome).toBe('busy');
      const waiting = waiter.waitForRelease(key);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(await mine.release()).toBe(true);
      expect(await waiting).toBe('released');
      expect(await held(await waiter.acquire(key)).release()).toBe(true);
    }
    wake.stop();
  });
});

import Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

/**
 * After the bus's connection drops, exactly one mechanism subscribes again, nothing rejects
 * unhandled, L1 is flushed (messages sent meanwhile are lost) and invalidations flow again.
 */
describe('the invalidation bus after its connection drops', () => {
  let server: RedisServer;
  let spy: Redis;
  let monitorSource: Redis;
  let monitor: Redis;
  let a: CacheContext;
  let b: CacheContext;
  const subscribes: string[][] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await RedisServer.start();
    spy = server.client();
    const options = { keyPrefix: 'resub:', redis: { url: server.url, commandTimeoutMs: 200, connectTimeoutMs: 500 } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
    // monitor() opens a connection of its own: the client it came from must be closed too.
    monitorSource = server.client();
    monitor = await monitorSource.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'subscribe') subscribes.push(args);
    });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    monitor.disconnect();
    monitorSource.disconnect();
    spy.disconnect();
    await server.stop();
    process.off('unhandledRejection', onUnhandled);
  });

  /** Waits until B has heard every message A sent so far. */
  async function busSettled(): Promise<void> {
    const sent = a.cache.stats().bus!.sent;
    await eventually(() => b.cache.stats().bus!.received >= sent, 1_000, 1);
  }

  async function refusedSubscribes(): Promise<number> {
    const entries = (await spy.acl('LOG')) as unknown[][];
    return entries
      .map((entry) => Object.fromEntries(chunk(entry)) as Record<string, unknown>)
      .filter((entry) => entry.reason === 'channel')
      .reduce((sum, entry) => sum + Number(entry.count), 0);
  }

  it('CLIENT KILL of the subscriber: one SUBSCRIBE, no unhandled rejection, L1 flushed, invalidations flow', async () => {
    await a.cache.set('title', 'v1');
    await busSettled();
    expect(await b.cache.get('title')).toBe('v1');
    expect(b.memory.has('title')).toBe(true);
    subscribes.length = 0;

    await spy.client('KILL', 'TYPE', 'pubsub');
    expect(
      await eventually(() => subscribes.length >= 2 && a.cache.stats().bus!.subscribed && b.cache.stats().bus!.subscribed, 3_000),
    ).toBe(true);
    // Let any second mechanism show itself before counting.
    await a.cache.set('marker', 1);
    await busSettled();
    expect(await b.cache.get('marker')).toBe(1);
    expect({ subscribesPerInstance: subscribes.length / 2, unhandled: unhandled.map(String) }).toEqual({
      subscribesPerInstance: 1,
      unhandled: [],
    });
    expect(b.memory.has('title')).toBe(false); // flushed on resubscribe

    expect(await b.cache.get('title')).toBe('v1');
    await a.cache.set('title', 'v2');
    expect(await eventually(async () => (await b.cache.get('title')) === 'v2', 1_000)).toBe(true);
  });

  it('a subscription Redis refuses for a while: no unhandled rejection, the bus subscribes once it may', async () => {
    await a.cache.set('room', 'before');
    await busSettled();
    expect(await b.cache.get('room')).toBe('before');
    await spy.acl('LOG', 'RESET');
    // Taking the channel away disconnects the subscribers; their next SUBSCRIBE is refused.
    await spy.acl('SETUSER', 'default', 'resetchannels');
    try {
      expect(await eventually(() => !a.cache.stats().bus!.subscribed && !b.cache.stats().bus!.subscribed, 2_000)).toBe(true);
      // Both buses tried again and were refused (Redis logs refusals; MONITOR does not show them).
      expect(await eventually(async () => (await refusedSubscribes()) >= 2, 3_000)).toBe(true);
    } finally {
      await spy.acl('SETUSER', 'default', 'allchannels');
    }
    expect(await eventually(() => a.cache.stats().bus!.subscribed && b.cache.stats().bus!.subscribed, 5_000)).toBe(true);
    expect(unhandled.map(String)).toEqual([]);
    expect(b.memory.has('room')).toBe(false);
    expect(await b.cache.get('room')).toBe('before');
    await a.cache.set('room', 'after');
    expect(await eventually(async () => (await b.cache.get('room')) === 'after', 1_000)).toBe(true);
  }, 15_000);
});

function chunk(flat: unknown[]): [string, unknown][] {
  const pairs: [string, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([String(flat[i]), flat[i + 1]]);
  return pairs;
}

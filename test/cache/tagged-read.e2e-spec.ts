import type Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { commandCalls, resetCommandStats } from '../support/command-stats';
import { eventually, RedisServer } from '../support/redis-server';

describe("getOrSet of a tagged entry another instance stored: one round trip, checked against the load's snapshot", () => {
  let server: RedisServer;
  let spy: Redis;
  let a: CacheContext;
  let b: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    const options = { keyPrefix: 'tr:', redis: { url: server.url } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await spy?.quit();
    await server?.stop();
  });

  it("answers Redis's entry without a GET of its tag's version of its own (the snapshot's script reads it)", async () => {
    await a.cache.set('room:1:last', 'hello', { tags: ['room:1'] });
    await resetCommandStats(spy);
    const factory = jest.fn(async () => 'from the source');
    expect(await b.cache.getOrSet('room:1:last', factory, { tags: ['room:1'] })).toBe('hello');
    expect(factory).not.toHaveBeenCalled();
    const calls = await commandCalls(spy);
    // The entry's GET, and the GET inside the one snapshot script (one tag): no third for the tag's version.
    expect({ get: calls.get, scripts: (calls.evalsha ?? 0) + (calls.eval ?? 0) }).toEqual({ get: 2, scripts: 1 });
  });

  it("misses an entry whose tag another instance invalidated, though the load's snapshot is what checks it", async () => {
    await a.cache.set('room:2:last', 'old', { tags: ['room:2'] });
    await a.cache.invalidateTags(['room:2']);
    const sent = a.cache.stats().bus!.sent;
    await eventually(() => b.cache.stats().bus!.received >= sent, 1_000, 1);
    expect(await b.cache.getOrSet('room:2:last', async () => 'new', { tags: ['room:2'] })).toBe('new');
  });
});

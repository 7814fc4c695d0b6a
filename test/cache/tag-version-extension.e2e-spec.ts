import type Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { commandCalls, resetCommandStats } from '../support/command-stats';
import { RedisServer } from '../support/redis-server';

describe("a tag's version key is extended once a TTL, not on every load", () => {
  let server: RedisServer;
  let spy: Redis;
  let cache: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    cache = await startCacheContext({ keyPrefix: 'tv:', redis: { url: server.url } });
  });

  afterAll(async () => {
    await cache?.close();
    await spy?.quit();
    await server?.stop();
  });

  it('extends it at most once over many loads of the same TTL, and the entries stay fresh', async () => {
    await cache.cache.set('room:1:first', 'first', { tags: ['room:1'], ttlMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await resetCommandStats(spy);
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      expect(await cache.cache.getOrSet(`room:1:load:${i}`, async () => `value ${i}`, { tags: ['room:1'], ttlMs: 60_000 })).toBe(
        `value ${i}`,
      );
    }
    expect((await commandCalls(spy)).pexpire ?? 0).toBeLessThanOrEqual(1);
    cache.memory.clear();
    expect(await cache.cache.get('room:1:first')).toBe('first');
    expect(await cache.cache.get('room:1:load:0')).toBe('value 0');
  });
});

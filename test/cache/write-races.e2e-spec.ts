import { createCache } from 'cache-manager';
import Redis from 'ioredis';
import { Keyv } from 'keyv';
import { ChatCacheKeyvStore } from '../../src/cache/compat/chat-cache-keyv-store';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

/**
 * A `set` not awaited before a `delete` or `clear` of the same key (cache-manager's own
 * "del should be non-blocking" test does this): once both settle, the tiers agree on the outcome
 * of the later call, in call order.
 */
describe('a set racing a delete or a clear of the same key (hybrid)', () => {
  let server: RedisServer;
  let spy: Redis;
  let ctx: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    ctx = await startCacheContext({ keyPrefix: 'race:', redis: { url: server.url } });
  });

  afterAll(async () => {
    await ctx.close();
    spy.disconnect();
    await server.stop();
  });

  async function tiers(key: string): Promise<{ l1: boolean; l2: boolean }> {
    return { l1: ctx.memory.has(key), l2: (await spy.exists(`race:${key}`)) === 1 };
  }

  it.each([
    ['untagged', {}],
    ['tagged', { tags: ['room:1'] }],
  ])('set then delete, %s: neither tier holds the value', async (_, options) => {
    const set = ctx.cache.set('k-del', 'value', options);
    await ctx.cache.delete('k-del');
    await set;
    expect(await tiers('k-del')).toEqual({ l1: false, l2: false });
    expect(await ctx.cache.get('k-del')).toBeUndefined();
  });

  it.each([
    ['untagged', {}],
    ['tagged', { tags: ['room:1'] }],
  ])('set then clear, %s: neither tier holds the value', async (_, options) => {
    const set = ctx.cache.set('k-clear', 'value', options);
    await ctx.cache.clear();
    await set;
    expect(await tiers('k-clear')).toEqual({ l1: false, l2: false });
  });

  it('delete then set, and clear then set: both tiers hold the value', async () => {
    await ctx.cache.set('k-later', 'old');
    const deleted = ctx.cache.delete('k-later');
    await ctx.cache.set('k-later', 'new', { tags: ['room:2'] });
    await deleted;
    expect(await tiers('k-later')).toEqual({ l1: true, l2: true });
    const cleared = ctx.cache.clear();
    await ctx.cache.set('k-later', 'newer', { tags: ['room:2'] });
    await cleared;
    expect(await tiers('k-later')).toEqual({ l1: true, l2: true });
    ctx.memory.clear();
    expect(await ctx.cache.get('k-later')).toBe('newer');
  });

  it('a tagged set then an untagged set: the later value is in both tiers', async () => {
    const first = ctx.cache.set('k-twice', 'first', { tags: ['room:3'] });
    await ctx.cache.set('k-twice', 'second');
    await first;
    expect(await ctx.cache.get('k-twice')).toBe('second');
    ctx.memory.clear();
    expect(await ctx.cache.get('k-twice')).toBe('second');
  });

  it('cache-manager\'s own "del should be non-blocking" (two Keyv stores, nonBlocking): get finds nothing', async () => {
    const ours = new Keyv({ store: new ChatCacheKeyvStore(ctx.cache), serialize: undefined, deserialize: undefined, useKeyPrefix: false });
    const cache = createCache({ stores: [ours, new Keyv()], nonBlocking: true });
    const outcomes: { l1: boolean; l2: boolean; get: unknown }[] = [];
    for (let i = 0; i < 10; i++) {
      const key = `cm:${i}`;
      await cache.set(key, { n: i });
      await cache.del(key);
      // The test pauses 200 ms for the stores to settle; here: until our tiers agree, or 1 s.
      await eventually(async () => JSON.stringify(await tiers(key)) === JSON.stringify({ l1: false, l2: false }), 1_000);
      outcomes.push({ ...(await tiers(key)), get: await cache.get(key) });
    }
    expect(outcomes).toEqual(Array(10).fill({ l1: false, l2: false, get: undefined }));
  }, 20_000);
});

import Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

const PREFIX = 'val:';
const MAX_ENTRY_BYTES = 16_384;

/** What another client, a bug or a disk fault can leave under our prefix. */
const FOREIGN_VALUES: Record<string, string | Buffer> = {
  'a plain string without a header': 'hello from another app',
  'a header and an unknown encoding': '[0]\nxwhat',
  'the encoding of set(key, () => 1)': '[0]\ntundefined',
  'truncated JSON': '[0]\nj{"a":',
  'an unknown tag': '[0]\nt{"\\u0000":"zz"}',
  'a tag with a payload of the wrong type': '[0]\nt{"\\u0000":"m","v":5}',
  'an invalid BigInt': '[0]\nt{"\\u0000":"b","v":"12x"}',
  'a header that is not ours': '{"a":1}\njnull',
  'tags that are not strings': '[0,[1,2],["1","2"]]\nj1',
  'a header of bytes that are not UTF-8': Buffer.from([0x5b, 0xff, 0xfe, 0x5d, 0x0a, 0x73, 0x61]),
};

const LONE_SURROGATES: Record<string, string> = {
  'a lone high surrogate': '\ud800',
  'a lone low surrogate': '\udc00',
  'a reversed pair': '\udc00\ud800',
  'an emoji cut in half': 'hi \ud83d',
  'the other half of an emoji': '\ude00 there',
  'a 200-unit title of high surrogates': '\ud83d'.repeat(200),
  'well-formed text around a lone surrogate': 'caf\u00e9 \ud83d\ude00 \ud800 \u4e2d\u6587',
};

describe('values through Redis: undecodable, unrepresentable, lone surrogates, oversized (real redis-server)', () => {
  let server: RedisServer;
  let spy: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
  });

  afterAll(async () => {
    await spy.quit();
    await server.stop();
  });

  describe('a value we cannot decode', () => {
    let ctx: CacheContext;

    beforeAll(async () => {
      ctx = await startCacheContext({ driver: 'redis', keyPrefix: PREFIX, redis: { url: server.url, circuitFailureThreshold: 5 } });
    });

    afterAll(() => ctx.close());

    it.each(Object.entries(FOREIGN_VALUES))(
      '%s: 20 reads are misses, the circuit stays closed and other keys still hit',
      async (name, raw) => {
        const key = `foreign:${name}`;
        await ctx.cache.set('neighbour', { ok: true });
        const decodeErrorsBefore = ctx.cache.stats().redis!.decodeErrors;
        for (let i = 0; i < 20; i++) {
          await spy.set(PREFIX + key, raw);
          expect(await ctx.cache.get(key)).toBeUndefined();
        }
        const redis = ctx.cache.stats().redis!;
        expect(redis.circuit).toBe('closed');
        expect(redis.errors).toBe(0);
        expect(redis.decodeErrors - decodeErrorsBefore).toBe(20);
        expect(await ctx.cache.get('neighbour')).toEqual({ ok: true });
      },
    );

    it('is removed from Redis', async () => {
      await spy.set(`${PREFIX}foreign:removed`, 'not ours');
      expect(await ctx.cache.get('foreign:removed')).toBeUndefined();
      expect(await spy.exists(`${PREFIX}foreign:removed`)).toBe(0);
    });

    it('a key of another type under our prefix is a miss too, and removed', async () => {
      for (let i = 0; i < 10; i++) {
        await spy.hset(`${PREFIX}foreign:hash`, 'field', 'value');
        expect(await ctx.cache.get('foreign:hash')).toBeUndefined();
      }
      expect(ctx.cache.stats().redis!.circuit).toBe('closed');
      expect(ctx.cache.stats().redis!.errors).toBe(0);
      expect(await spy.exists(`${PREFIX}foreign:hash`)).toBe(0);
    });

    it('getOrSet over an undecodable value loads from the factory and replaces it', async () => {
      await spy.set(`${PREFIX}foreign:replaced`, '[0]\ntundefined');
      expect(await ctx.cache.getOrSet('foreign:replaced', () => 'fresh')).toBe('fresh');
      expect(await ctx.cache.get('foreign:replaced')).toBe('fresh');
    });
  });

  describe('a value the codec cannot represent', () => {
    let ctx: CacheContext;

    beforeAll(async () => {
      ctx = await startCacheContext({ driver: 'hybrid', keyPrefix: PREFIX, redis: { url: server.url } });
    });

    afterAll(() => ctx.close());

    it('set refuses a function or a symbol with a TypeError, and stores nothing', async () => {
      await expect(ctx.cache.set('fn', () => 1)).rejects.toThrow(TypeError);
      await expect(ctx.cache.set('sym', Symbol('s'))).rejects.toThrow(TypeError);
      expect(await spy.exists(`${PREFIX}fn`, `${PREFIX}sym`)).toBe(0);
      expect(ctx.memory.has('fn')).toBe(false);
      expect(ctx.cache.stats().redis!.circuit).toBe('closed');
    });

    it('getOrSet serves a factory result it cannot cache without caching it, and counts it', async () => {
      const fn = () => 1;
      let calls = 0;
      const factory = () => {
        calls++;
        return fn;
      };
      expect(await ctx.cache.getOrSet('fn-factory', factory)).toBe(fn);
      expect(await ctx.cache.getOrSet('fn-factory', factory)).toBe(fn);
      expect(calls).toBe(2);
      expect(ctx.cache.stats().factory.uncacheable).toBe(2);
      expect(await spy.exists(`${PREFIX}fn-factory`)).toBe(0);
    });
  });

  describe('strings with lone surrogates', () => {
    let ctx: CacheContext;

    beforeAll(async () => {
      ctx = await startCacheContext({ driver: 'redis', keyPrefix: PREFIX, redis: { url: server.url } });
    });

    afterAll(() => ctx.close());

    it.each(Object.entries(LONE_SURROGATES))('%s round-trips exactly, alone and nested', async (name, text) => {
      await ctx.cache.set(`text:${name}`, text);
      await ctx.cache.set(`nested:${name}`, { title: text, list: [text] });
      await ctx.cache.set(`map:${name}`, new Map([[text, text]]));
      expect(await ctx.cache.get(`text:${name}`)).toBe(text);
      expect(await ctx.cache.get(`nested:${name}`)).toEqual({ title: text, list: [text] });
      expect(await ctx.cache.get(`map:${name}`)).toEqual(new Map([[text, text]]));
    });

    it('a key with a lone surrogate is refused, since Redis would store it under the same name as others', async () => {
      await expect(ctx.cache.set('title:\ud800', 1)).rejects.toThrow(/lone surrogate/);
      await expect(ctx.cache.get('title:\udc00')).rejects.toThrow(TypeError);
      await expect(ctx.cache.getOrSet('title:\ud83d', () => 1)).rejects.toThrow(TypeError);
    });
  });

  describe(`an entry over maxEntryBytes (${MAX_ENTRY_BYTES})`, () => {
    let ctx: CacheContext;

    beforeAll(async () => {
      ctx = await startCacheContext({
        driver: 'hybrid',
        keyPrefix: PREFIX,
        memory: { maxEntryBytes: MAX_ENTRY_BYTES },
        redis: { url: server.url },
      });
      // The bus's first subscription flushes L1 and voids loads in flight (issue 9, item 6): wait it out.
      await eventually(() => ctx.cache.stats().bus?.subscribed === true);
    });

    afterAll(() => ctx.close());

    const page = (contentLength: number) =>
      Array.from({ length: 5 }, (_, i) => ({
        id: `m${i}`,
        role: 'user',
        content: 'x'.repeat(contentLength),
        createdAt: '2025-01-01T00:00:00.000Z',
      }));

    it('getOrSet returns it to the caller and keeps it in neither tier', async () => {
      const value = page(32_000);
      const before = ctx.cache.stats();
      expect(await ctx.cache.getOrSet('page:big', () => value)).toBe(value);
      await ctx.redis!.client.ping(); // after any background write of the same connection
      expect(await spy.exists(`${PREFIX}page:big`)).toBe(0);
      expect(ctx.memory.has('page:big')).toBe(false);
      const after = ctx.cache.stats();
      expect(after.memory!.oversized + after.redis!.oversized).toBeGreaterThan(before.memory!.oversized + before.redis!.oversized);
    });

    it('set of an oversized value drops the older value from both tiers, without an error', async () => {
      await ctx.cache.set('page:grown', page(10));
      expect(await spy.exists(`${PREFIX}page:grown`)).toBe(1);
      await expect(ctx.cache.set('page:grown', page(32_000))).resolves.toBeUndefined();
      expect(await spy.exists(`${PREFIX}page:grown`)).toBe(0);
      expect(ctx.memory.has('page:grown')).toBe(false);
      expect(await ctx.cache.get('page:grown')).toBeUndefined();
    });

    it('Redis refuses by the encoded size: two-byte text under the L1 estimate but over the limit in UTF-8', async () => {
      // 6,000 CJK characters: 12 KB in V8 (two bytes each), 18 KB in Redis (three bytes each in UTF-8).
      const text = '\u4e2d'.repeat(6_000);
      const before = ctx.cache.stats().redis!.oversized;
      await ctx.cache.set('cjk', text);
      expect(await spy.exists(`${PREFIX}cjk`)).toBe(0);
      expect(ctx.memory.has('cjk')).toBe(false);
      expect(ctx.cache.stats().redis!.oversized).toBe(before + 1);
    });

    it('a value under the limit is kept in both tiers', async () => {
      await ctx.cache.set('page:small', page(100));
      expect(await spy.exists(`${PREFIX}page:small`)).toBe(1);
      expect(ctx.memory.has('page:small')).toBe(true);
    });
  });
});

import Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { RedisServer } from '../support/redis-server';

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

const VALUES: Record<string, unknown> = {
  'a plain string': 'hello',
  'a string that looks like an ISO date': '2024-01-01T00:00:00.000Z',
  'an empty string': '',
  zero: 0,
  'negative zero': -0,
  NaN: NaN,
  Infinity: -Infinity,
  false: false,
  null: null,
  'a Date': new Date('2024-01-01T00:00:00.000Z'),
  'a Map': new Map<unknown, unknown>([
    ['a', 1],
    [2, new Date(0)],
    [{ k: 1 }, new Set([1])],
  ]),
  'a Set': new Set(['x', 1, new Date(5)]),
  'a BigInt': 12345678901234567890123456789n,
  'a Buffer': Buffer.from([0, 1, 2, 255]),
  'nested arrays and objects': { list: [[1, [2, ['3']]], { deep: { when: new Date(7), none: undefined } }], tag: '\u0000' },
};

describe('RedisStore against a real redis-server', () => {
  let server: RedisServer;
  let ctx: CacheContext;
  let spy: Redis;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    ctx = await startCacheContext({ driver: 'redis', keyPrefix: 'rt:', redis: { url: server.url } });
  });

  afterAll(async () => {
    await ctx.close();
    await spy.quit();
    await server.stop();
  });

  it.each(Object.entries(VALUES))('round-trips %s exactly', async (name, value) => {
    await ctx.redis!.set(`value:${name}`, value);
    const back = await ctx.redis!.get(`value:${name}`);
    expect(back).toEqual(value);
    if (typeof value === 'string') expect(typeof back).toBe('string');
    if (value instanceof Date) expect(back).toBeInstanceOf(Date);
    if (typeof value === 'number') expect(Object.is(back, value)).toBe(true);
  });

  it('round-trips the same values through CacheService (Redis tier only)', async () => {
    for (const [name, value] of Object.entries(VALUES)) {
      await ctx.cache.set(`svc:${name}`, value);
      expect(await ctx.cache.get(`svc:${name}`)).toEqual(value);
    }
  });

  it('turns class instances into plain objects with the same fields, as JSON does', async () => {
    await ctx.redis!.set('point', new Point(1, 2));
    expect(await ctx.redis!.get('point')).toEqual({ x: 1, y: 2 });
  });

  it('writes under the prefix with the TTL asked for', async () => {
    await ctx.redis!.set('ttl', 'v', 60_000);
    const ttl = await spy.pttl('rt:ttl');
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('mset and mget many keys, missing ones as undefined', async () => {
    await ctx.redis!.mset([
      ['m1', 1],
      ['m2', { two: 2 }],
    ]);
    expect(await ctx.redis!.mget(['m1', 'm2', 'missing'])).toEqual([1, { two: 2 }, undefined]);
  });

  it('deletePattern removes only matching keys inside the prefix', async () => {
    await spy.set('other-app:session:1', 'theirs');
    await ctx.redis!.set('session:1', 1);
    await ctx.redis!.set('session:2', 2);
    await ctx.redis!.set('user:1', 3);
    expect(await ctx.redis!.deletePattern('session:*')).toBe(2);
    expect(await ctx.redis!.get('session:1')).toBeUndefined();
    expect(await ctx.redis!.get('user:1')).toBe(3);
    expect(await spy.get('other-app:session:1')).toBe('theirs');
  });

  it('a tag invalidation makes tagged entries stale, and only those', async () => {
    await ctx.redis!.set('t:a', 'a', 60_000, ['session:9']);
    await ctx.redis!.set('t:b', 'b', 60_000, ['session:10']);
    expect(await ctx.redis!.get('t:a')).toBe('a');
    await ctx.redis!.invalidateTags(['session:9']);
    expect(await ctx.redis!.get('t:a')).toBeUndefined();
    expect(await ctx.redis!.get('t:b')).toBe('b');
    expect(ctx.redis!.stats().tagInvalidations).toBeGreaterThanOrEqual(1);
  });

  it('a value loaded before a tag invalidation is stale when stored after it', async () => {
    const versions = await ctx.redis!.snapshotTags(['user:5'], 60_000);
    await ctx.redis!.invalidateTags(['user:5']); // the write that happened while the value was loading
    await ctx.redis!.set('race', 'old', 60_000, ['user:5'], versions);
    expect(await ctx.redis!.get('race')).toBeUndefined();
  });

  it('rejects keys that could reach our own bookkeeping', async () => {
    await expect(ctx.redis!.set('__cc:tag:x', 1)).rejects.toThrow(TypeError);
    await expect(ctx.redis!.get('')).rejects.toThrow(TypeError);
  });
});

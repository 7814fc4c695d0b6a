import Redis from 'ioredis';
import type { Cache } from 'cache-manager';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

/**
 * What cache-manager 7's own tests (packages/cache-manager/test in jaredwray/cacheable: ttl, wrap,
 * set, del, clear, mset) expect of a `Cache`, asked of the `CACHE_MANAGER` ChatCacheModule injects,
 * in memory and in hybrid mode on a real Redis. Their sleeps became waits for a condition, and the
 * refreshThreshold cases use a threshold above the TTL, so that the refresh is due at once.
 */
const TTL_MS = 60_000;
/** How far `ttl()` may be from the instant a test computes: the set's own duration, a loaded CI. */
const CLOCK_SLACK_MS = 1_000;

interface Mode {
  name: string;
  start(): Promise<{ ctx: CacheContext; spy?: Redis; stop(): Promise<void> }>;
}

const PREFIX = 'cm-sem:';

const MODES: Mode[] = [
  {
    name: 'memory mode',
    async start() {
      const ctx = await startCacheContext({});
      return { ctx, stop: () => ctx.close() };
    },
  },
  {
    name: 'hybrid mode, real Redis',
    async start() {
      const server = await RedisServer.start();
      const spy = server.client();
      const ctx = await startCacheContext({ keyPrefix: PREFIX, redis: { url: server.url } });
      return {
        ctx,
        spy,
        async stop() {
          await ctx.close();
          await spy.quit();
          await server.stop();
        },
      };
    },
  },
];

describe.each(MODES)('CACHE_MANAGER honours cache-manager 7 semantics, $name', (mode) => {
  let ctx: CacheContext;
  let spy: Redis | undefined;
  let stop: () => Promise<void>;
  let cache: Cache;

  beforeAll(async () => {
    ({ ctx, spy, stop } = await mode.start());
    cache = ctx.cacheManager;
  });

  afterEach(async () => {
    await ctx.cache.clear();
  });

  afterAll(async () => {
    await stop?.();
  });

  /** In hybrid mode, forget L1 so that the next read comes from Redis. */
  function dropL1(): void {
    if (spy) ctx.memory.clear();
  }

  describe('ttl()', () => {
    it('answers the expiry instant of a key set with a ttl (ttl.test "gets the expiration of a key")', async () => {
      const before = Date.now();
      await cache.set('ttl:a', 'v', TTL_MS);
      const expires = await cache.ttl('ttl:a');
      expect(expires).toBeGreaterThanOrEqual(before + TTL_MS - CLOCK_SLACK_MS);
      expect(expires).toBeLessThanOrEqual(Date.now() + TTL_MS + CLOCK_SLACK_MS);
    });

    it('answers it from Redis too, when L1 no longer holds the key', async () => {
      const before = Date.now();
      await cache.set('ttl:b', 'v', TTL_MS);
      dropL1();
      const expires = await cache.ttl('ttl:b');
      expect(expires).toBeGreaterThanOrEqual(before + TTL_MS - CLOCK_SLACK_MS);
      expect(expires).toBeLessThanOrEqual(Date.now() + TTL_MS + CLOCK_SLACK_MS);
    });

    it("a key set without a ttl gets the module's defaultTtlMs (cache-manager's default ttl)", async () => {
      const before = Date.now();
      await cache.set('ttl:default', 'v');
      dropL1();
      const expires = await cache.ttl('ttl:default');
      expect(expires).toBeGreaterThanOrEqual(before + 300_000 - CLOCK_SLACK_MS);
      expect(expires).toBeLessThanOrEqual(Date.now() + 300_000 + CLOCK_SLACK_MS);
    });

    it('answers undefined once the key expired (ttl.test "expired")', async () => {
      await cache.set('ttl:short', 'v', 50);
      expect(await cache.ttl('ttl:short')).toBeDefined();
      expect(await eventually(async () => (await cache.ttl('ttl:short')) === undefined, 5_000)).toBe(true);
      expect(await cache.get('ttl:short')).toBeUndefined();
    });

    it('answers undefined for a key that is not there', async () => {
      expect(await cache.ttl('ttl:none')).toBeUndefined();
    });
  });

  describe('ttl 0 never expires (cache-manager, Keyv and the Nest docs)', () => {
    it('set(k, v, 0) has no expiry in any tier: ttl() undefined, no Redis PTTL, no L1 expiry', async () => {
      await cache.set('zero:set', { n: 1 }, 0);
      expect(await cache.get('zero:set')).toEqual({ n: 1 });
      expect(await cache.ttl('zero:set')).toBeUndefined();
      expect(ctx.memory.getEntry('zero:set')?.expiresAt).toBe(0);
      if (spy) expect(await spy.pttl(`${PREFIX}zero:set`)).toBe(-1);
      dropL1();
      expect(await cache.ttl('zero:set')).toBeUndefined();
      expect(await cache.get('zero:set')).toEqual({ n: 1 });
    });

    it('wrap(k, fn, 0) stores without expiry', async () => {
      expect(await cache.wrap('zero:wrap', async () => 'loaded', 0)).toBe('loaded');
      expect(await cache.ttl('zero:wrap')).toBeUndefined();
      if (spy) expect(await eventually(async () => (await spy!.pttl(`${PREFIX}zero:wrap`)) === -1, 2_000)).toBe(true);
    });

    it('mset with ttl 0 stores without expiry', async () => {
      await cache.mset([
        { key: 'zero:m1', value: 1, ttl: 0 },
        { key: 'zero:m2', value: 2, ttl: TTL_MS },
      ]);
      expect(await cache.mget(['zero:m1', 'zero:m2'])).toEqual([1, 2]);
      expect(await cache.ttl('zero:m1')).toBeUndefined();
      expect(await cache.ttl('zero:m2')).toBeGreaterThan(Date.now());
      if (spy) expect(await spy.pttl(`${PREFIX}zero:m1`)).toBe(-1);
    });
  });

  describe('wrap', () => {
    it('returns the value, or the raw storage data with its expires (wrap.test "returns single value or raw storage-data")', async () => {
      await expect(cache.wrap('raw:a', () => 'v', TTL_MS)).resolves.toEqual('v');
      await expect(cache.wrap('raw:a', () => 'v', { ttl: TTL_MS, raw: true })).resolves.toEqual({
        value: 'v',
        expires: expect.any(Number),
      });
      await expect(cache.wrap('raw:b', () => 'v', { ttl: TTL_MS, raw: true })).resolves.toEqual({
        value: 'v',
        expires: expect.any(Number),
      });
      await expect(cache.wrap('raw:b', () => 'v', TTL_MS)).resolves.toEqual('v');
    });

    it('the raw expires of a cached entry is its expiry instant, from Redis too', async () => {
      const before = Date.now();
      await cache.wrap('raw:c', () => 'v', TTL_MS);
      dropL1();
      const raw = (await cache.wrap('raw:c', () => 'other', { ttl: TTL_MS, raw: true })) as { value: string; expires: number };
      expect(raw.value).toBe('v');
      expect(raw.expires).toBeGreaterThanOrEqual(before + TTL_MS - CLOCK_SLACK_MS);
      expect(raw.expires).toBeLessThanOrEqual(Date.now() + TTL_MS + CLOCK_SLACK_MS);
    });

    it('refreshThreshold refreshes in the background: the stale value first, the fresh one next', async () => {
      const refreshThreshold = TTL_MS + 1; // more than any remaining TTL: the refresh is due at once
      expect(await cache.wrap('refresh:a', async () => 0, TTL_MS, refreshThreshold)).toBe(0);
      const firstExpiry = (await cache.ttl('refresh:a'))!;
      expect(await cache.wrap('refresh:a', async () => 1, TTL_MS, refreshThreshold)).toBe(0);
      expect(await eventually(async () => (await ctx.cache.get('refresh:a')) === 1, 5_000)).toBe(true);
      expect(await cache.wrap('refresh:a', async () => 2, { ttl: TTL_MS, refreshThreshold: 1 })).toBe(1);
      expect(await cache.ttl('refresh:a')).toBeGreaterThanOrEqual(firstExpiry);
    });

    it('refreshThreshold given as an option and as functions, as wrap.test does', async () => {
      const options = { ttl: (v: number) => TTL_MS + v, refreshThreshold: () => TTL_MS * 2 };
      expect(await cache.wrap('refresh:b', async () => 1, options)).toBe(1);
      expect(await cache.wrap('refresh:b', async () => 2, options)).toBe(1);
      expect(await eventually(async () => (await ctx.cache.get('refresh:b')) === 2, 5_000)).toBe(true);
      dropL1();
      expect(await cache.wrap('refresh:b', async () => 3, { ttl: TTL_MS, refreshThreshold: 1 })).toBe(2);
    });

    it('no refresh while the remaining TTL is above the threshold', async () => {
      const load = jest.fn(async () => 'again');
      expect(await cache.wrap('refresh:c', async () => 'first', TTL_MS, 1_000)).toBe('first');
      expect(await cache.wrap('refresh:c', load, TTL_MS, 1_000)).toBe('first');
      expect(load).not.toHaveBeenCalled();
    });
  });

  describe('errors', () => {
    it('a set CacheService refuses rejects with its error instead of resolving as if stored (set.test "error")', async () => {
      await expect(cache.set('', 'v')).rejects.toThrow(/a cache key must be a non-empty string/);
      await expect(cache.set('err:ttl', 'v', Number.NaN)).rejects.toThrow(/ttlMs must be a finite number/);
      expect(await cache.get('err:ttl')).toBeUndefined();
    });
  });

  describe('del and clear', () => {
    it('del removes the key from every tier and answers true (del.test "basic")', async () => {
      await cache.set('del:a', 'v', TTL_MS);
      await expect(cache.get('del:a')).resolves.toEqual('v');
      await expect(cache.del('del:a')).resolves.toEqual(true);
      await expect(cache.get('del:a')).resolves.toBeUndefined();
      dropL1();
      await expect(cache.get('del:a')).resolves.toBeUndefined();
      if (spy) expect(await spy.exists(`${PREFIX}del:a`)).toBe(0);
    });

    it('clear empties our keys, answers true, and spares keys outside the prefix (clear.test "basic")', async () => {
      if (spy) await spy.set('someone-else:key', 'theirs');
      for (const i of [1, 2, 3]) await cache.set(`clear:${i}`, `v${i}`, TTL_MS);
      await expect(cache.clear()).resolves.toEqual(true);
      for (const i of [1, 2, 3]) await expect(cache.get(`clear:${i}`)).resolves.toBeUndefined();
      if (spy) {
        expect(await spy.get('someone-else:key')).toBe('theirs');
        expect(await spy.exists(`${PREFIX}clear:1`)).toBe(0);
      }
    });
  });
});

describe('CACHE_MANAGER with the module default defaultTtlMs 0 (CACHE_TTL_MS=0: no expiry)', () => {
  let server: RedisServer;
  let spy: Redis;
  let ctx: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    ctx = await startCacheContext({ keyPrefix: PREFIX, defaultTtlMs: 0, redis: { url: server.url } });
  });

  afterAll(async () => {
    await ctx?.close();
    await spy?.quit();
    await server?.stop();
  });

  it('a set without ttl never expires, and ttl() says so (ttl.test "basic")', async () => {
    await ctx.cacheManager.set('default-zero', 'v');
    expect(await ctx.cacheManager.ttl('default-zero')).toBeUndefined();
    expect(await spy.pttl(`${PREFIX}default-zero`)).toBe(-1);
    expect(ctx.memory.getEntry('default-zero')?.expiresAt).toBe(0);
  });
});

describe('CACHE_MANAGER in memory mode, where no Redis round trip delays a write', () => {
  let ctx: CacheContext;

  beforeAll(async () => {
    ctx = await startCacheContext({});
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('a background refresh is seen by the very next call (wrap.test "dynamic refreshThreshold")', async () => {
    const cache = ctx.cacheManager;
    const refreshThreshold = TTL_MS + 1;
    expect(await cache.wrap('refresh:next', async () => 0, TTL_MS, refreshThreshold)).toBe(0);
    expect(await cache.wrap('refresh:next', async () => 1, TTL_MS, refreshThreshold)).toBe(0);
    expect(await cache.wrap('refresh:next', async () => 2, TTL_MS, refreshThreshold)).toBe(1);
  });
});

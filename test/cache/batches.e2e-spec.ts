import type Redis from 'ioredis';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { commandCalls, resetCommandStats } from '../support/command-stats';
import { deferred } from '../support/deferred';
import { eventually, RedisServer } from '../support/redis-server';

describe('getMany and getOrSetMany on a real Redis, two hybrid instances', () => {
  let server: RedisServer;
  let spy: Redis;
  let a: CacheContext;
  let b: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    const options = { keyPrefix: 'bat:', redis: { url: server.url } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await spy?.quit();
    await server?.stop();
  });

  /** Lets A's background fills reach Redis and B hear A's messages. */
  async function settled(): Promise<void> {
    const sent = a.cache.stats().bus!.sent;
    await eventually(() => b.cache.stats().bus!.received >= sent, 1_000, 1);
  }

  describe('getMany', () => {
    it('answers in order from L1, then from Redis in ONE MGET (no GET per key), and keeps what it found in L1', async () => {
      await a.cache.set('m:1', 'one');
      await a.cache.set('m:2', { two: new Date(2) });
      await a.cache.set('m:3', [3]);
      await settled();
      expect(await b.cache.get('m:1')).toBe('one'); // now in B's L1
      await resetCommandStats(spy);
      const values = await b.cache.getMany(['m:1', 'm:2', 'absent', 'm:3']);
      expect(values).toEqual(['one', { two: new Date(2) }, undefined, [3]]);
      const calls = await commandCalls(spy);
      expect({ mget: calls.mget, get: calls.get ?? 0 }).toEqual({ mget: 1, get: 0 });
      expect(b.memory.has('m:2') && b.memory.has('m:3')).toBe(true);
      await resetCommandStats(spy);
      expect(await b.cache.getMany(['m:1', 'm:2', 'm:3'])).toEqual(['one', { two: new Date(2) }, [3]]);
      expect((await commandCalls(spy)).mget ?? 0).toBe(0);
    });

    it('checks tag versions (one more MGET for every distinct tag): an entry whose tag was invalidated is a miss', async () => {
      await a.cache.set('t:1', 1, { tags: ['room:1'] });
      await a.cache.set('t:2', 2, { tags: ['room:1', 'room:2'] });
      await a.cache.set('t:3', 3, { tags: ['room:2'] });
      await a.cache.invalidateTags(['room:1']);
      await settled();
      await resetCommandStats(spy);
      expect(await b.cache.getMany(['t:1', 't:2', 't:3'])).toEqual([undefined, undefined, 3]);
      const calls = await commandCalls(spy);
      expect({ mget: calls.mget, get: calls.get ?? 0 }).toEqual({ mget: 2, get: 0 });
    });

    it('takes a record that is not ours for a miss and removes it; other keys of the batch are served', async () => {
      await a.cache.set('g:ok', 'fine');
      await spy.set('bat:g:bad', 'not a chat-cache record');
      await spy.rpush('bat:g:list', 'x');
      await settled();
      expect(await b.cache.getMany(['g:bad', 'g:ok', 'g:list'])).toEqual([undefined, 'fine', undefined]);
      expect(await spy.exists('bat:g:bad')).toBe(0);
      expect(await spy.lrange('bat:g:list', 0, -1)).toEqual(['x']);
      expect(b.cache.stats().redis!.decodeErrors).toBeGreaterThan(0);
    });

    it('counts one get and a hit or a miss per key', async () => {
      await a.cache.set('c:1', 1);
      await settled();
      const before = b.cache.stats();
      await b.cache.getMany(['c:1', 'c:none']);
      const after = b.cache.stats();
      expect({ gets: after.gets - before.gets, hits: after.hits - before.hits, misses: after.misses - before.misses }).toEqual({
        gets: 2,
        hits: 1,
        misses: 1,
      });
    });

    it('refuses what is not a list of keys with a TypeError naming the problem', async () => {
      await expect(b.cache.getMany('k' as unknown as string[])).rejects.toThrow(/must be an array/);
      await expect(b.cache.getMany(['ok', ''])).rejects.toThrow(/non-empty string/);
    });
  });

  describe('getOrSetMany', () => {
    it('calls loadMissing once with the keys no tier has, caches what it found, answers undefined for the rest', async () => {
      await a.cache.set('o:cached', 'from redis');
      await settled();
      const loadMissing = jest.fn(
        async (keys: string[]) => new Map(keys.filter((key) => key !== 'o:gone').map((key) => [key, `loaded ${key}`])),
      );
      const values = await b.cache.getOrSetMany(['o:cached', 'o:1', 'o:gone', 'o:2'], loadMissing);
      expect(values).toEqual(['from redis', 'loaded o:1', undefined, 'loaded o:2']);
      expect(loadMissing).toHaveBeenCalledTimes(1);
      expect(loadMissing.mock.calls[0][0]).toEqual(['o:1', 'o:gone', 'o:2']);
      // Cached in Redis for the other instance; the key it did not find is not cached.
      expect(await eventually(async () => (await a.cache.get('o:2')) === 'loaded o:2', 1_000)).toBe(true);
      expect(await a.cache.get('o:gone')).toBeUndefined();
      const again = jest.fn(async (keys: string[]) => new Map(keys.map((key) => [key, 'late'])));
      expect(await b.cache.getOrSetMany(['o:1', 'o:gone'], again)).toEqual(['loaded o:1', 'late']);
      expect(again.mock.calls[0][0]).toEqual(['o:gone']);
    });

    it('a key a getOrSet is loading joins that load instead of loading it again', async () => {
      const gate = deferred<string>();
      const single = a.cache.getOrSet('j:1', () => gate.promise);
      const loadMissing = jest.fn(async (keys: string[]) => new Map(keys.map((key) => [key, `batch ${key}`])));
      const batch = a.cache.getOrSetMany(['j:1', 'j:2'], loadMissing);
      gate.resolve('single j:1');
      expect(await batch).toEqual(['single j:1', 'batch j:2']);
      expect(await single).toBe('single j:1');
      expect(loadMissing.mock.calls.map((call) => call[0])).toEqual([['j:2']]);
    });

    it('a getOrSet of a key the batch is loading joins the batch', async () => {
      const gate = deferred<Map<string, string>>();
      const loadMissing = jest.fn(() => gate.promise);
      const batch = a.cache.getOrSetMany(['k:1', 'k:2'], loadMissing);
      const factory = jest.fn(async () => 'single');
      await eventually(() => loadMissing.mock.calls.length === 1, 1_000, 1);
      const single = a.cache.getOrSet('k:2', factory);
      gate.resolve(
        new Map([
          ['k:1', 'b1'],
          ['k:2', 'b2'],
        ]),
      );
      expect(await batch).toEqual(['b1', 'b2']);
      expect(await single).toBe('b2');
      expect(factory).not.toHaveBeenCalled();
    });

    it('caches each key with its own tags (tags as a function of the key) and the TTL given', async () => {
      const values = await a.cache.getOrSetMany(['p:1', 'p:2'], async (keys) => new Map(keys.map((key) => [key, key])), {
        tags: (key) => [`tag:${key}`],
        ttlMs: 60_000,
      });
      expect(values).toEqual(['p:1', 'p:2']);
      await eventually(async () => (await spy.exists('bat:p:1', 'bat:p:2')) === 2, 1_000);
      const pttl = await spy.pttl('bat:p:1');
      expect(pttl).toBeGreaterThan(50_000);
      expect(pttl).toBeLessThanOrEqual(60_000);
      await b.cache.invalidateTags(['tag:p:1']);
      await eventually(async () => (await a.cache.get('p:1')) === undefined, 1_000);
      expect(await a.cache.getMany(['p:1', 'p:2'])).toEqual([undefined, 'p:2']);
      expect(await b.cache.get('p:2')).toBe('p:2');
    });

    it('a failing loadMissing rejects the call and caches nothing; a Map is required', async () => {
      await expect(a.cache.getOrSetMany(['f:1'], async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
      await expect(a.cache.getOrSetMany(['f:2'], async () => ({ 'f:2': 1 }) as unknown as Map<string, number>)).rejects.toThrow(
        /must return a Map/,
      );
      expect(await a.cache.getMany(['f:1', 'f:2'])).toEqual([undefined, undefined]);
      expect(a.cache.stats().singleFlight.inFlight).toBe(0);
    });
  });
});

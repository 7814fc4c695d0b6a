import { Inject, Injectable, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Cache } from 'cache-manager';
import Redis from 'ioredis';
import {
  CACHE_MANAGER,
  CacheService,
  CHAT_CACHE_OPTIONS,
  ChatCacheModule,
  ChatCacheOptions,
  MEMORY_STORE,
  MemoryStore,
  REDIS_STORE,
  RedisStore,
  ResolvedChatCacheOptions,
} from '../../src/cache';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

/** Boots a root module the way an application does, but throwing instead of exiting on a bad boot. */
async function boot(root: new () => unknown): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(root, { logger: false, abortOnError: false });
  await app.init();
  return app;
}

async function bootWith(options: ChatCacheOptions): Promise<INestApplicationContext> {
  @Module({ imports: [ChatCacheModule.forRoot(options)] })
  class RootModule {}
  return boot(RootModule);
}

const CACHE_CONFIG = Symbol('CACHE_CONFIG');

interface CacheConfig {
  prefix: string;
  ttlMs: number;
  maxEntries: number;
}

@Module({
  providers: [{ provide: CACHE_CONFIG, useValue: { prefix: 'async:', ttlMs: 12_345, maxEntries: 777 } satisfies CacheConfig }],
  exports: [CACHE_CONFIG],
})
class CacheConfigModule {}

/** A feature service in a module that does not import ChatCacheModule. */
@Injectable()
class RoomService {
  constructor(
    @Inject(CacheService) readonly cache: CacheService,
    @Inject(CACHE_MANAGER) readonly cacheManager: Cache,
  ) {}

  roomTitle(id: number): Promise<string> {
    return this.cache.getOrSet(`room:${id}`, async () => `room ${id}`);
  }
}

@Module({ providers: [RoomService] })
class RoomModule {}

describe('ChatCacheModule as an application wires it', () => {
  describe('forRoot({}) defaults', () => {
    let ctx: CacheContext;

    beforeAll(async () => {
      ctx = await startCacheContext({});
    });

    afterAll(async () => {
      await ctx.close();
    });

    it('uses the memory driver and injects REDIS_STORE as null', () => {
      expect(ctx.redis).toBeNull();
      expect(ctx.cache.stats().driver).toBe('memory');
      expect(ctx.memory).toBeInstanceOf(MemoryStore);
    });

    it('resolves CHAT_CACHE_OPTIONS to the documented defaults', () => {
      const options = ctx.app.get<ResolvedChatCacheOptions>(CHAT_CACHE_OPTIONS);
      expect(options).toMatchObject({
        driver: 'memory',
        keyPrefix: 'chat:',
        defaultTtlMs: 300_000,
        memory: { maxEntries: 100_000, maxBytes: 67_108_864, policy: 'lru' },
        redis: { url: undefined, clusterNodes: undefined, commandTimeoutMs: 250 },
      });
      expect(typeof options.instanceId).toBe('string');
      expect(options.instanceId.length).toBeGreaterThan(0);
      expect(ctx.cache.stats().memory).toMatchObject({ maxEntries: 100_000, maxBytes: 67_108_864 });
    });

    it('serves values through the injected CacheService', async () => {
      await ctx.cache.set('hello', 'world');
      expect(await ctx.cache.get('hello')).toBe('world');
    });
  });

  describe('forRootAsync', () => {
    let app: INestApplicationContext;

    beforeAll(async () => {
      @Module({
        imports: [
          ChatCacheModule.forRootAsync({
            imports: [CacheConfigModule],
            inject: [CACHE_CONFIG],
            useFactory: async (config: CacheConfig) => ({
              keyPrefix: config.prefix,
              defaultTtlMs: config.ttlMs,
              memory: { maxEntries: config.maxEntries },
            }),
          }),
          RoomModule,
        ],
      })
      class RootModule {}
      app = await boot(RootModule);
    });

    afterAll(async () => {
      await app.close();
    });

    it('builds the options from the injected configuration', () => {
      expect(app.get<ResolvedChatCacheOptions>(CHAT_CACHE_OPTIONS)).toMatchObject({
        driver: 'memory',
        keyPrefix: 'async:',
        defaultTtlMs: 12_345,
        memory: { maxEntries: 777, maxBytes: 67_108_864 },
      });
      expect(app.get(CacheService).stats().memory!.maxEntries).toBe(777);
    });

    it('is global: a module that does not import it injects CacheService and CACHE_MANAGER', async () => {
      const rooms = app.get(RoomService);
      expect(rooms.cache).toBe(app.get(CacheService));
      expect(await rooms.roomTitle(1)).toBe('room 1');
      expect(await app.get(CacheService).get('room:1')).toBe('room 1');
      expect(await rooms.cacheManager.get('room:1')).toBe('room 1');
    });
  });

  describe('isGlobal: false', () => {
    it('keeps the module local: a module that does not import it cannot inject CacheService', async () => {
      @Module({ imports: [ChatCacheModule.forRoot({ isGlobal: false }), RoomModule] })
      class RootModule {}
      await expect(boot(RootModule)).rejects.toThrow(/CacheService/);
    });
  });

  describe('invalid options stop the boot with a clear error', () => {
    it.each<[string, ChatCacheOptions, RegExp]>([
      ['driver hybrid without a Redis URL', { driver: 'hybrid' }, /driver "hybrid" needs redis\.url/],
      ['driver redis without a Redis URL', { driver: 'redis' }, /driver "redis" needs redis\.url/],
      ['memory.maxEntries 0', { memory: { maxEntries: 0 } }, /memory\.maxEntries must be a positive integer \(got 0\)/],
      ['a negative defaultTtlMs', { defaultTtlMs: -1 }, /defaultTtlMs must be a non-negative integer/],
      ['an empty keyPrefix', { keyPrefix: '' }, /keyPrefix must be a non-empty string/],
      ['an unknown driver', { driver: 'disk' as ChatCacheOptions['driver'] }, /driver must be memory, redis or hybrid/],
      ['an unknown memory.policy', { memory: { policy: 'lfu' as 'lru' } }, /memory\.policy must be lru or tinylfu \(got "lfu"\)/],
    ])('%s', async (_name, options, message) => {
      await expect(bootWith(options)).rejects.toThrow(message);
    });

    it('also through forRootAsync', async () => {
      @Module({
        imports: [
          ChatCacheModule.forRootAsync({
            imports: [CacheConfigModule],
            inject: [CACHE_CONFIG],
            useFactory: () => ({ memory: { maxEntries: 0 } }),
          }),
        ],
      })
      class RootModule {}
      await expect(boot(RootModule)).rejects.toThrow(/memory\.maxEntries must be a positive integer/);
    });
  });

  describe('CACHE_MANAGER in memory mode', () => {
    let ctx: CacheContext;

    beforeAll(async () => {
      ctx = await startCacheContext({});
    });

    afterEach(async () => {
      await ctx.cache.clear();
    });

    afterAll(async () => {
      await ctx.close();
    });

    it('a Date set through CACHE_MANAGER is a Date for CacheService, and the other way round', async () => {
      await ctx.cacheManager.set('cm:when', new Date('2024-05-06T07:08:09.000Z'));
      const seen = await ctx.cache.get('cm:when');
      expect(seen).toBeInstanceOf(Date);
      expect(seen).toEqual(new Date('2024-05-06T07:08:09.000Z'));

      await ctx.cache.set('svc:when', new Date(86_400_000));
      const back = await ctx.cacheManager.get('svc:when');
      expect(back).toBeInstanceOf(Date);
      expect(back).toEqual(new Date(86_400_000));
    });

    it('a string that looks like a date stays a string', async () => {
      await ctx.cacheManager.set('cm:iso', '2024-01-01T00:00:00.000Z');
      expect(await ctx.cache.get('cm:iso')).toBe('2024-01-01T00:00:00.000Z');
    });

    it('del removes the key from the tiers CacheService reads', async () => {
      await ctx.cache.set('cm:doomed', { a: 1 });
      expect(await ctx.cacheManager.get('cm:doomed')).toEqual({ a: 1 });
      await ctx.cacheManager.del('cm:doomed');
      expect(await ctx.cache.get('cm:doomed')).toBeUndefined();
      expect(ctx.memory.has('cm:doomed')).toBe(false);
    });

    it('wrap loads once and caches in the shared tiers', async () => {
      const load = jest.fn(async () => ({ id: 3, name: 'general' }));
      expect(await ctx.cacheManager.wrap('cm:room:3', load)).toEqual({ id: 3, name: 'general' });
      expect(await ctx.cacheManager.wrap('cm:room:3', load)).toEqual({ id: 3, name: 'general' });
      expect(load).toHaveBeenCalledTimes(1);
      expect(await ctx.cache.get('cm:room:3')).toEqual({ id: 3, name: 'general' });
    });

    it('a CacheService invalidation is seen through CACHE_MANAGER', async () => {
      await ctx.cacheManager.set('cm:tagged', 'v');
      await ctx.cache.delete('cm:tagged');
      expect(await ctx.cacheManager.get('cm:tagged')).toBeUndefined();
    });

    it('clear empties the cache for both APIs', async () => {
      await ctx.cacheManager.set('cm:a', 1);
      await ctx.cache.set('svc:b', 2);
      await ctx.cacheManager.clear();
      expect(await ctx.cache.get('cm:a')).toBeUndefined();
      expect(await ctx.cache.get('svc:b')).toBeUndefined();
      expect(await ctx.cacheManager.get('svc:b')).toBeUndefined();
      expect(ctx.memory.size).toBe(0);
    });
  });

  describe('hybrid mode against a real Redis', () => {
    const PREFIX = 'mod:';
    let server: RedisServer;
    let spy: Redis;
    let ctx: CacheContext;

    beforeAll(async () => {
      server = await RedisServer.start();
      spy = server.client();
      ctx = await startCacheContext({ keyPrefix: PREFIX, redis: { url: server.url } });
    });

    afterAll(async () => {
      await ctx?.close();
      await spy?.quit();
      await server?.stop();
    });

    it('defaults to the hybrid driver when a Redis URL is given and injects a RedisStore', () => {
      expect(ctx.cache.stats().driver).toBe('hybrid');
      expect(ctx.redis).toBeInstanceOf(RedisStore);
      expect(ctx.app.get(REDIS_STORE)).toBe(ctx.redis);
      expect(ctx.app.get(MEMORY_STORE)).toBe(ctx.memory);
    });

    it('a value set through CACHE_MANAGER lies in Redis under the prefix, with a TTL', async () => {
      await ctx.cacheManager.set('cm:user:1', { name: 'ann' });
      expect(await spy.exists(`${PREFIX}cm:user:1`)).toBe(1);
      expect(await spy.exists('cm:user:1')).toBe(0);
      const pttl = await spy.pttl(`${PREFIX}cm:user:1`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(300_000);
    });

    it('a Date set through CACHE_MANAGER comes back as a Date from Redis, for both APIs', async () => {
      const when = new Date('2023-12-31T23:59:59.999Z');
      await ctx.cacheManager.set('cm:when', when);
      expect(await spy.exists(`${PREFIX}cm:when`)).toBe(1);

      ctx.memory.clear();
      const viaService = await ctx.cache.get('cm:when');
      expect(viaService).toBeInstanceOf(Date);
      expect(viaService).toEqual(when);

      ctx.memory.clear();
      const viaManager = await ctx.cacheManager.get('cm:when');
      expect(viaManager).toBeInstanceOf(Date);
      expect(viaManager).toEqual(when);
    });

    it('a Date set through CacheService comes back as a Date through CACHE_MANAGER from Redis', async () => {
      const when = new Date(1_700_000_000_000);
      await ctx.cache.set('svc:when', when);
      ctx.memory.clear();
      const back = await ctx.cacheManager.get('svc:when');
      expect(back).toBeInstanceOf(Date);
      expect(back).toEqual(when);
    });

    it('a date-like string set through CACHE_MANAGER stays a string after a trip through Redis', async () => {
      await ctx.cacheManager.set('cm:iso', '2024-01-01T00:00:00.000Z');
      ctx.memory.clear();
      const back = await ctx.cache.get('cm:iso');
      expect(typeof back).toBe('string');
      expect(back).toBe('2024-01-01T00:00:00.000Z');
    });

    it('del through CACHE_MANAGER removes the key from Redis and memory', async () => {
      await ctx.cache.set('cm:doomed', 'x');
      expect(await spy.exists(`${PREFIX}cm:doomed`)).toBe(1);
      await ctx.cacheManager.del('cm:doomed');
      expect(await spy.exists(`${PREFIX}cm:doomed`)).toBe(0);
      expect(ctx.memory.has('cm:doomed')).toBe(false);
      expect(await ctx.cache.get('cm:doomed')).toBeUndefined();
    });

    it('wrap through CACHE_MANAGER loads once; the value is in Redis and answers after memory is cleared', async () => {
      const load = jest.fn(async () => ({ when: new Date(42), title: 'standup' }));
      expect(await ctx.cacheManager.wrap('cm:meeting', load)).toEqual({ when: new Date(42), title: 'standup' });
      expect(await eventually(async () => (await spy.exists(`${PREFIX}cm:meeting`)) === 1, 2_000)).toBe(true);
      ctx.memory.clear();
      const again = await ctx.cacheManager.wrap('cm:meeting', load);
      expect(again).toEqual({ when: new Date(42), title: 'standup' });
      expect((again as { when: Date }).when).toBeInstanceOf(Date);
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('clear through CACHE_MANAGER deletes our prefix in Redis and memory, and nothing else', async () => {
      await spy.set('other-app:key', 'keep me');
      await ctx.cacheManager.set('cm:a', 1);
      await ctx.cache.set('svc:b', 2);
      expect(await spy.exists(`${PREFIX}cm:a`, `${PREFIX}svc:b`)).toBe(2);

      await ctx.cacheManager.clear();

      expect(await spy.exists(`${PREFIX}cm:a`, `${PREFIX}svc:b`)).toBe(0);
      expect(ctx.memory.size).toBe(0);
      expect(await ctx.cache.get('cm:a')).toBeUndefined();
      expect(await ctx.cacheManager.get('svc:b')).toBeUndefined();
      expect(await spy.get('other-app:key')).toBe('keep me');
    });

    it('getOrSet with 200 concurrent callers of a cold key calls the factory once and stores the value in Redis', async () => {
      const factory = jest.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { members: ['ann', 'bob'] };
      });
      const joinsBefore = ctx.cache.stats().singleFlight.joins;
      const results = await Promise.all(Array.from({ length: 200 }, () => ctx.cache.getOrSet('room:1:members', factory)));
      expect(factory).toHaveBeenCalledTimes(1);
      expect(results.every((r) => r === results[0])).toBe(true);
      expect(results[0]).toEqual({ members: ['ann', 'bob'] });
      expect(ctx.cache.stats().singleFlight.joins - joinsBefore).toBe(199);
      expect(await eventually(async () => (await spy.exists(`${PREFIX}room:1:members`)) === 1, 2_000)).toBe(true);
    });

    it('after the memory tier is cleared, a get is answered by Redis and refills memory', async () => {
      await ctx.cache.set('profile:1', { name: 'ann', since: new Date(1_000) });
      ctx.memory.clear();
      expect(ctx.memory.has('profile:1')).toBe(false);
      const redisHitsBefore = ctx.cache.stats().redis!.hits;

      expect(await ctx.cache.get('profile:1')).toEqual({ name: 'ann', since: new Date(1_000) });
      expect(ctx.cache.stats().redis!.hits).toBe(redisHitsBefore + 1);
      expect(ctx.memory.has('profile:1')).toBe(true);

      // the next read is a memory hit: Redis is not asked again
      expect(await ctx.cache.get('profile:1')).toEqual({ name: 'ann', since: new Date(1_000) });
      expect(ctx.cache.stats().redis!.hits).toBe(redisHitsBefore + 1);
    });
  });
});

import { Logger, NotFoundException } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { deferred } from '../../test/support/deferred';
import { CacheService } from './cache.service';
import { ChatCacheModule } from './chat-cache.module';
import type { ChatCacheOptions } from './chat-cache.options';
import { CacheFactoryTimeoutError } from './errors';

/**
 * getOrSet's load step with a manual clock (jest's fake timers, which drive Date.now too): grace
 * and fail-safe, the failure throttle, soft and hard timeouts, the factory's context, jitter.
 * Memory driver; grace across instances on a real Redis: test/cache/fail-safe.e2e-spec.ts.
 */
describe('CacheService.getOrSet fail-safe', () => {
  let app: TestingModule;
  let cache: CacheService;
  let warnings: jest.SpyInstance;

  async function start(options: ChatCacheOptions = {}): Promise<void> {
    app = await Test.createTestingModule({
      imports: [ChatCacheModule.forRoot({ memory: { sweepIntervalMs: 60_000 }, ...options })],
    }).compile();
    await app.init();
    cache = app.get(CacheService);
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    await app?.close();
    warnings.mockRestore();
    // The coarse clock drops its reading on a 1 ms timer: fire it, or the next test starts with a frozen clock.
    await jest.advanceTimersByTimeAsync(1);
    jest.useRealTimers();
  });

  const failing = () => {
    throw new Error('database down');
  };
  const failuresLogged = () => warnings.mock.calls.filter(([message]) => String(message).includes('failed')).length;

  describe('grace', () => {
    it('answers the stale value when the factory throws past the TTL, and counts it', async () => {
      await start();
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000, graceMs: 60_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      expect(await cache.getOrSet('k', failing, { ttlMs: 1_000, graceMs: 60_000 })).toBe('v1');
      const stats = cache.stats();
      expect(stats.stale).toBe(1);
      expect(stats.factory).toMatchObject({ errors: 1, staleServed: 1 });
      expect(failuresLogged()).toBe(1);
    });

    it('uses the module graceMs when the call names none', async () => {
      await start({ graceMs: 60_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      expect(await cache.getOrSet('k', failing, { ttlMs: 1_000 })).toBe('v1');
    });

    it('without grace a failing factory past the TTL still reaches the caller', async () => {
      await start();
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      await expect(cache.getOrSet('k', failing, { ttlMs: 1_000 })).rejects.toThrow('database down');
    });

    it('a plain get past the TTL is a miss: grace is a fallback, not a longer TTL', async () => {
      await start({ graceMs: 60_000 });
      await cache.set('k', 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      expect(await cache.get('k')).toBeUndefined();
      expect(await cache.getOrSet('k', failing, { ttlMs: 1_000 })).toBe('v1');
    });

    it('past TTL + grace there is no fallback', async () => {
      await start({ graceMs: 5_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(6_500);
      await expect(cache.getOrSet('k', failing, { ttlMs: 1_000 })).rejects.toThrow('database down');
    });

    it('passes an HttpException below 500 to the caller: a missing row is an answer, not a failure', async () => {
      await start({ graceMs: 60_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      const notFound = new NotFoundException('gone');
      await expect(
        cache.getOrSet(
          'k',
          () => {
            throw notFound;
          },
          { ttlMs: 1_000 },
        ),
      ).rejects.toBe(notFound);
      expect(cache.stats().stale).toBe(0);
    });

    it('never serves a deleted key or an invalidated tag stale', async () => {
      await start({ graceMs: 60_000 });
      await cache.getOrSet('deleted', () => 'v1', { ttlMs: 1_000 });
      await cache.getOrSet('tagged', () => 'v1', { ttlMs: 1_000, tags: ['room:1'] });
      await jest.advanceTimersByTimeAsync(1_500);
      await cache.delete('deleted');
      await cache.invalidateTags(['room:1']);
      await expect(cache.getOrSet('deleted', failing, { ttlMs: 1_000 })).rejects.toThrow('database down');
      await expect(cache.getOrSet('tagged', failing, { ttlMs: 1_000, tags: ['room:1'] })).rejects.toThrow('database down');
    });
  });

  describe('throttle', () => {
    it('does not call a failing factory again within failSafeThrottleMs, then does; the failure is logged once per window', async () => {
      await start({ graceMs: 60_000, failSafeThrottleMs: 10_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      const factory = jest.fn(failing);
      for (let i = 0; i < 5; i++) expect(await cache.getOrSet('k', factory, { ttlMs: 1_000 })).toBe('v1');
      expect(factory).toHaveBeenCalledTimes(1);
      expect(failuresLogged()).toBe(1);
      expect(cache.stats().stale).toBe(5);

      await jest.advanceTimersByTimeAsync(10_000);
      expect(await cache.getOrSet('k', factory, { ttlMs: 1_000 })).toBe('v1');
      expect(factory).toHaveBeenCalledTimes(2);
      expect(failuresLogged()).toBe(2);

      await jest.advanceTimersByTimeAsync(10_000);
      expect(await cache.getOrSet('k', () => 'v2', { ttlMs: 1_000 })).toBe('v2');
      expect(await cache.getOrSet('k', factory, { ttlMs: 1_000 })).toBe('v2');
    });

    it('concurrent callers of a failing key share one factory call', async () => {
      await start({ graceMs: 60_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      const factory = jest.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error('database down');
      });
      const answers = Promise.all(Array.from({ length: 10 }, () => cache.getOrSet('k', factory, { ttlMs: 1_000 })));
      await jest.advanceTimersByTimeAsync(100);
      expect(await answers).toEqual(Array(10).fill('v1'));
      expect(factory).toHaveBeenCalledTimes(1);
    });
  });

  describe('soft timeout', () => {
    it('with a stale value, answers it after softTimeoutMs and caches the factory value when it lands', async () => {
      await start({ graceMs: 60_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      const slow = deferred<string>();
      const factory = jest.fn(() => slow.promise);
      let answer: string | undefined;
      void cache.getOrSet('k', factory, { ttlMs: 1_000, softTimeoutMs: 200 }).then((value) => (answer = value));
      await jest.advanceTimersByTimeAsync(199);
      expect(answer).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(answer).toBe('v1');
      expect(cache.stats().factory.timeouts).toBe(1);

      // Meanwhile the slow factory is not called again: its stale value answers.
      expect(await cache.getOrSet('k', factory, { ttlMs: 1_000, softTimeoutMs: 200 })).toBe('v1');
      expect(factory).toHaveBeenCalledTimes(1);

      slow.resolve('v2');
      await jest.advanceTimersByTimeAsync(0);
      expect(await cache.get('k')).toBe('v2');
    });

    it('without a stale value, waits for the factory', async () => {
      await start();
      const answer = cache.getOrSet(
        'k',
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          return 'v1';
        },
        { softTimeoutMs: 200 },
      );
      await jest.advanceTimersByTimeAsync(1_000);
      expect(await answer).toBe('v1');
    });

    it('a value landing after its key was deleted is not cached', async () => {
      await start({ graceMs: 60_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      const slow = deferred<string>();
      const answer = cache.getOrSet('k', () => slow.promise, { ttlMs: 1_000, softTimeoutMs: 200 });
      await jest.advanceTimersByTimeAsync(200);
      expect(await answer).toBe('v1');
      await cache.delete('k');
      slow.resolve('v2');
      await jest.advanceTimersByTimeAsync(0);
      expect(await cache.get('k')).toBeUndefined();
    });
  });

  describe('hard timeout', () => {
    it('without a stale value, rejects with CacheFactoryTimeoutError naming the key and the timeout; the late value is cached', async () => {
      await start();
      const slow = deferred<string>();
      const answer = cache.getOrSet('k', () => slow.promise, { hardTimeoutMs: 500 });
      const rejected = expect(answer).rejects.toThrow(CacheFactoryTimeoutError);
      await jest.advanceTimersByTimeAsync(500);
      await rejected;
      await expect(answer).rejects.toThrow('the factory of "k" did not finish within 500 ms');
      slow.resolve('late');
      await jest.advanceTimersByTimeAsync(0);
      expect(await cache.get('k')).toBe('late');
    });

    it('with a stale value, answers it after hardTimeoutMs', async () => {
      await start({ graceMs: 60_000 });
      await cache.getOrSet('k', () => 'v1', { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      const slow = deferred<string>();
      let answer: string | undefined;
      void cache.getOrSet('k', () => slow.promise, { ttlMs: 1_000, hardTimeoutMs: 300 }).then((value) => (answer = value));
      await jest.advanceTimersByTimeAsync(300);
      expect(answer).toBe('v1');
      slow.resolve('v2');
      await jest.advanceTimersByTimeAsync(0);
    });

    it('a factory that settles in time answers as usual', async () => {
      await start();
      expect(await cache.getOrSet('k', () => 'v1', { hardTimeoutMs: 500 })).toBe('v1');
      await expect(cache.getOrSet('bad', failing, { hardTimeoutMs: 500 })).rejects.toThrow('database down');
    });

    it('refuses a timeout that is not a positive duration', async () => {
      await start();
      await expect(cache.getOrSet('k', () => 'v', { hardTimeoutMs: 0 })).rejects.toThrow('hardTimeoutMs must be a finite number > 0');
      await expect(cache.getOrSet('k', () => 'v', { softTimeoutMs: -1 })).rejects.toThrow('softTimeoutMs must be a finite number > 0');
    });
  });

  describe('factory context', () => {
    it('hands the factory the stale value, undefined when there is none', async () => {
      await start({ graceMs: 60_000 });
      const seen: unknown[] = [];
      await cache.getOrSet('k', ({ stale }) => (seen.push(stale), 'v1'), { ttlMs: 1_000 });
      await jest.advanceTimersByTimeAsync(1_500);
      await cache.getOrSet('k', ({ stale }) => (seen.push(stale), 'v2'), { ttlMs: 1_000 });
      expect(seen).toEqual([undefined, 'v1']);
    });

    it('setTtlMs replaces the TTL of the entry', async () => {
      await start();
      await cache.getOrSet(
        'k',
        (context) => {
          context.setTtlMs(10_000);
          return 'v1';
        },
        { ttlMs: 1_000 },
      );
      await jest.advanceTimersByTimeAsync(5_000);
      expect(await cache.get('k')).toBe('v1');
      await jest.advanceTimersByTimeAsync(5_000);
      expect(await cache.get('k')).toBeUndefined();
    });

    it('setTags replaces the tags of the entry', async () => {
      await start();
      await cache.getOrSet(
        'k',
        (context) => {
          context.setTags(['room:2']);
          return 'v1';
        },
        { tags: ['room:1'] },
      );
      await cache.invalidateTags(['room:1']);
      expect(await cache.get('k')).toBe('v1');
      await cache.invalidateTags(['room:2']);
      expect(await cache.get('k')).toBeUndefined();
    });

    it('skipCache answers the value without caching it', async () => {
      await start();
      expect(
        await cache.getOrSet('k', (context) => {
          context.skipCache();
          return 'v1';
        }),
      ).toBe('v1');
      expect(await cache.get('k')).toBeUndefined();
    });

    it('a factory written without a parameter keeps working', async () => {
      await start();
      expect(await cache.getOrSet('k', () => 'v1')).toBe('v1');
    });
  });

  describe('jitter', () => {
    it('spreads expiry past the TTL by up to jitterMs', async () => {
      await start({ jitterMs: 1_000 });
      const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
      try {
        await cache.getOrSet('a', () => 'v', { ttlMs: 1_000 });
        await cache.set('b', 'v', { ttlMs: 1_000 });
      } finally {
        random.mockRestore();
      }
      await jest.advanceTimersByTimeAsync(1_400);
      expect(await cache.get('a')).toBe('v');
      expect(await cache.get('b')).toBe('v');
      await jest.advanceTimersByTimeAsync(200);
      expect(await cache.get('a')).toBeUndefined();
      expect(await cache.get('b')).toBeUndefined();
    });

    it('per call jitterMs: 0 turns the module jitter off', async () => {
      await start({ jitterMs: 1_000 });
      const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
      try {
        await cache.set('a', 'v', { ttlMs: 1_000, jitterMs: 0 });
      } finally {
        random.mockRestore();
      }
      await jest.advanceTimersByTimeAsync(1_001);
      expect(await cache.get('a')).toBeUndefined();
    });
  });
});

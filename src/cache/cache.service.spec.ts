import { LoggerService } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { CacheService } from './cache.service';
import { ChatCacheModule } from './chat-cache.module';
import { MEMORY_STORE } from './chat-cache.constants';
import { ChatCacheOptions } from './chat-cache.options';
import { InvalidationEvent } from './invalidation/invalidation-message';
import { MemoryStore } from './stores/memory.store';
import { deferred } from '../../test/support/deferred';

/** Keeps what the cache logs, so that a test can read it and the run stays quiet. */
class CapturingLogger implements LoggerService {
  readonly errors: string[] = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown): void {
    this.errors.push(String(message));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A getOrSet whose factory is held open until the test releases it. */
function startHeldLoad<T>(cache: CacheService, key: string, tags: string[] = []) {
  const started = deferred<void>();
  const gate = deferred<T>();
  const factory = jest.fn(() => {
    started.resolve();
    return gate.promise;
  });
  const result = cache.getOrSet<T>(key, factory, { tags });
  return { started: started.promise, release: gate.resolve, result, factory };
}

describe('CacheService (memory driver)', () => {
  let app: TestingModule;
  let cache: CacheService;
  let memory: MemoryStore;
  let logger: CapturingLogger;

  async function boot(options: ChatCacheOptions = {}): Promise<void> {
    logger = new CapturingLogger();
    app = await Test.createTestingModule({ imports: [ChatCacheModule.forRoot(options)] })
      .setLogger(logger)
      .compile();
    await app.init();
    cache = app.get(CacheService);
    memory = app.get(MEMORY_STORE);
  }

  afterEach(async () => {
    await app?.close();
  });

  describe('get / set / delete', () => {
    beforeEach(() => boot());

    it('returns what was set, and undefined for a key never set', async () => {
      await cache.set('greeting', { text: 'hello', n: [1, 2] });
      expect(await cache.get('greeting')).toEqual({ text: 'hello', n: [1, 2] });
      expect(await cache.get('absent')).toBeUndefined();
    });

    it('an overwrite replaces the value', async () => {
      await cache.set('title', 'old');
      await cache.set('title', 'new');
      expect(await cache.get('title')).toBe('new');
    });

    it('delete removes the key and returns how many existed', async () => {
      await cache.set('a', 1);
      await cache.set('b', 2);
      await cache.set('c', 3);
      expect(await cache.delete('a')).toBe(1);
      expect(await cache.delete(['b', 'missing'])).toBe(1);
      expect(await cache.delete('a')).toBe(0);
      expect(await cache.get('a')).toBeUndefined();
      expect(await cache.get('b')).toBeUndefined();
      expect(await cache.get('c')).toBe(3);
    });

    it.each([
      ['0', 0],
      ['an empty string', ''],
      ['false', false],
      ['null', null],
    ])('caches and returns %s (a falsy value is a value)', async (_name, value) => {
      await cache.set('falsy', value);
      expect(memory.has('falsy')).toBe(true);
      const back = await cache.get('falsy');
      expect(Object.is(back, value)).toBe(true);
      expect(cache.stats().hits).toBe(1);
    });

    it('set(key, undefined) deletes the key', async () => {
      await cache.set('k', 'v');
      await cache.set('k', undefined);
      expect(await cache.get('k')).toBeUndefined();
      expect(memory.has('k')).toBe(false);
    });

    it('an entry set with ttlMs is gone once the ttl has passed; one without a short ttl stays', async () => {
      await cache.set('short', 'soon gone', { ttlMs: 40 });
      await cache.set('long', 'stays', { ttlMs: 60_000 });
      await cache.set('forever', 'stays', { ttlMs: 0 });
      expect(await cache.get('short')).toBe('soon gone');
      await sleep(150);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.get('long')).toBe('stays');
      expect(await cache.get('forever')).toBe('stays');
    });

    it('getOrSet honours ttlMs: after expiry the factory runs again', async () => {
      const factory = jest.fn(async () => 'loaded');
      expect(await cache.getOrSet('ttl-load', factory, { ttlMs: 40 })).toBe('loaded');
      expect(await cache.getOrSet('ttl-load', factory, { ttlMs: 40 })).toBe('loaded');
      expect(factory).toHaveBeenCalledTimes(1);
      await sleep(150);
      expect(await cache.getOrSet('ttl-load', factory, { ttlMs: 40 })).toBe('loaded');
      expect(factory).toHaveBeenCalledTimes(2);
    });
  });

  describe('the module defaultTtlMs', () => {
    beforeEach(() => boot({ defaultTtlMs: 40 }));

    it('applies to entries set without ttlMs; ttlMs 0 means no expiry', async () => {
      await cache.set('default-ttl', 1);
      await cache.set('no-expiry', 2, { ttlMs: 0 });
      await cache.getOrSet('loaded-default-ttl', () => 3);
      await sleep(150);
      expect(await cache.get('default-ttl')).toBeUndefined();
      expect(await cache.get('loaded-default-ttl')).toBeUndefined();
      expect(await cache.get('no-expiry')).toBe(2);
    });

    it('getEntry answers the value with its expiry instant, 0 for ttlMs 0, undefined for no value', async () => {
      const before = Date.now();
      await cache.set('default-ttl', 1);
      await cache.set('no-expiry', 2, { ttlMs: 0 });
      const entry = await cache.getEntry('default-ttl');
      expect(entry?.value).toBe(1);
      expect(entry?.expiresAt).toBeGreaterThanOrEqual(before + 40);
      expect(entry?.expiresAt).toBeLessThanOrEqual(Date.now() + 40);
      expect(await cache.getEntry('no-expiry')).toMatchObject({ value: 2, expiresAt: 0 }); // an L1 entry also carries its lifetime
      expect(await cache.getEntry('absent')).toBeUndefined();
      expect(cache.stats()).toMatchObject({ gets: 3, hits: 2, misses: 1 });
    });
  });

  describe('getOrSet', () => {
    beforeEach(() => boot());

    it('returns the cached value without calling the factory', async () => {
      await cache.set('warm', 'cached');
      const factory = jest.fn(() => 'fresh');
      expect(await cache.getOrSet('warm', factory)).toBe('cached');
      expect(factory).not.toHaveBeenCalled();
    });

    it('1000 concurrent callers of a cold key share one factory call and one value', async () => {
      const gate = deferred<{ id: number }>();
      const factory = jest.fn(() => gate.promise);
      const callers = Array.from({ length: 1000 }, () => cache.getOrSet('cold', factory));
      gate.resolve({ id: 7 });
      const results = await Promise.all(callers);
      expect(factory).toHaveBeenCalledTimes(1);
      expect(new Set(results).size).toBe(1);
      expect(results[0]).toEqual({ id: 7 });
      expect(cache.stats().singleFlight).toEqual({ joins: 999, inFlight: 0, invalidatedLoads: 0 });
      expect(cache.stats().factory.calls).toBe(1);
      // and it is cached for the next caller
      expect(await cache.getOrSet('cold', factory)).toEqual({ id: 7 });
      expect(factory).toHaveBeenCalledTimes(1);
    });

    it('a rejecting factory rejects all 1000 concurrent callers with its error and caches nothing', async () => {
      const failure = new Error('database down');
      const gate = deferred<string>();
      const factory = jest.fn(() => gate.promise);
      const callers = Array.from({ length: 1000 }, () => cache.getOrSet('flaky', factory));
      gate.reject(failure);
      const outcomes = await Promise.allSettled(callers);
      expect(factory).toHaveBeenCalledTimes(1);
      expect(outcomes.every((o) => o.status === 'rejected' && o.reason === failure)).toBe(true);
      expect(cache.stats().factory).toEqual({ calls: 1, errors: 1, uncacheable: 0, staleServed: 0, timeouts: 0 });
      expect(memory.has('flaky')).toBe(false);
      expect(await cache.get('flaky')).toBeUndefined();

      const retry = jest.fn(async () => 'recovered');
      expect(await cache.getOrSet('flaky', retry)).toBe('recovered');
      expect(retry).toHaveBeenCalledTimes(1);
      expect(await cache.get('flaky')).toBe('recovered');
    });

    it('a factory that throws synchronously rejects the call and caches nothing', async () => {
      const failure = new TypeError('bad row');
      await expect(
        cache.getOrSet('throws', () => {
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await cache.get('throws')).toBeUndefined();
    });

    it('a factory result of undefined is returned but not cached', async () => {
      const factory = jest.fn(async () => undefined);
      expect(await cache.getOrSet('nothing', factory)).toBeUndefined();
      expect(await cache.getOrSet('nothing', factory)).toBeUndefined();
      expect(factory).toHaveBeenCalledTimes(2);
      expect(memory.has('nothing')).toBe(false);
    });

    it.each([
      ['0', 0],
      ['false', false],
      ['an empty string', ''],
      ['null', null],
    ])('a factory result of %s is cached', async (_name, value) => {
      const factory = jest.fn(async () => value);
      expect(Object.is(await cache.getOrSet('falsy-load', factory), value)).toBe(true);
      expect(Object.is(await cache.getOrSet('falsy-load', factory), value)).toBe(true);
      expect(factory).toHaveBeenCalledTimes(1);
    });

    it('different keys load independently', async () => {
      const factory = jest.fn(async (n: number) => n * 10);
      const [a, b] = await Promise.all([cache.getOrSet('n:1', () => factory(1)), cache.getOrSet('n:2', () => factory(2))]);
      expect([a, b]).toEqual([10, 20]);
      expect(factory).toHaveBeenCalledTimes(2);
      expect(cache.stats().singleFlight.joins).toBe(0);
    });
  });

  describe('tags', () => {
    beforeEach(() => boot());

    it('invalidateTags drops exactly the entries carrying one of the tags', async () => {
      await cache.set('session:1', 's1', { tags: ['session:1', 'user:1'] });
      await cache.set('session:2', 's2', { tags: ['session:2', 'user:1'] });
      await cache.set('session:3', 's3', { tags: ['session:3', 'user:2'] });
      await cache.getOrSet('sessions:user:1', () => ['s1', 's2'], { tags: ['user:1'] });
      await cache.getOrSet('sessions:user:2', () => ['s3'], { tags: ['user:2'] });
      await cache.set('untagged', 'u');

      await cache.invalidateTags(['user:1']);

      expect(await cache.get('session:1')).toBeUndefined();
      expect(await cache.get('session:2')).toBeUndefined();
      expect(await cache.get('sessions:user:1')).toBeUndefined();
      expect(await cache.get('session:3')).toBe('s3');
      expect(await cache.get('sessions:user:2')).toEqual(['s3']);
      expect(await cache.get('untagged')).toBe('u');

      await cache.invalidateTags(['session:3', 'nobody']);
      expect(await cache.get('session:3')).toBeUndefined();
      expect(await cache.get('sessions:user:2')).toEqual(['s3']);
    });

    it('an entry tagged again after an invalidation is cached again', async () => {
      await cache.set('profile', 'v1', { tags: ['user:9'] });
      await cache.invalidateTags(['user:9']);
      await cache.set('profile', 'v2', { tags: ['user:9'] });
      expect(await cache.get('profile')).toBe('v2');
      const factory = jest.fn(() => 'loaded');
      await cache.invalidateTags(['user:9']);
      expect(await cache.getOrSet('profile', factory, { tags: ['user:9'] })).toBe('loaded');
      expect(await cache.getOrSet('profile', factory, { tags: ['user:9'] })).toBe('loaded');
      expect(factory).toHaveBeenCalledTimes(1);
    });

    it('a load whose tag is invalidated while its factory runs returns its value but does not cache it', async () => {
      const load = startHeldLoad<string>(cache, 'session:5', ['session:5']);
      await load.started;
      await cache.invalidateTags(['session:5']);
      load.release('read before the write');
      expect(await load.result).toBe('read before the write');
      expect(await cache.get('session:5')).toBeUndefined();

      const next = jest.fn(() => 'read after the write');
      expect(await cache.getOrSet('session:5', next, { tags: ['session:5'] })).toBe('read after the write');
      expect(next).toHaveBeenCalledTimes(1);
      expect(await cache.get('session:5')).toBe('read after the write');
    });

    it('a load is still cached when an unrelated tag is invalidated while its factory runs', async () => {
      const load = startHeldLoad<string>(cache, 'session:6', ['session:6']);
      await load.started;
      await cache.invalidateTags(['session:7']);
      load.release('fresh');
      expect(await load.result).toBe('fresh');
      expect(await cache.get('session:6')).toBe('fresh');
    });
  });

  describe('invalidations during a load', () => {
    beforeEach(() => boot());

    it.each<[string, (cache: CacheService) => Promise<unknown>]>([
      ['delete(key)', (c) => c.delete('room:1:members')],
      ['delete([key, other])', (c) => c.delete(['other', 'room:1:members'])],
      ['invalidatePattern matching the key', (c) => c.invalidatePattern('room:1:*')],
      ['clear()', (c) => c.clear()],
    ])('%s while the factory runs: the load returns its value but does not cache it', async (_name, invalidate) => {
      const load = startHeldLoad<string[]>(cache, 'room:1:members');
      await load.started;
      await invalidate(cache);
      load.release(['ann', 'bob']);
      expect(await load.result).toEqual(['ann', 'bob']);
      expect(await cache.get('room:1:members')).toBeUndefined();
      expect(memory.has('room:1:members')).toBe(false);
      expect(cache.stats().singleFlight.invalidatedLoads).toBe(1);
    });

    it('set(key) while the factory runs: the set value wins over the older load', async () => {
      const load = startHeldLoad<string>(cache, 'title');
      await load.started;
      await cache.set('title', 'written');
      load.release('loaded before the write');
      expect(await load.result).toBe('loaded before the write');
      expect(await cache.get('title')).toBe('written');
    });

    it('delete of another key while the factory runs does not stop the load from being cached', async () => {
      const load = startHeldLoad<string>(cache, 'room:2:members');
      await load.started;
      await cache.delete('room:3:members');
      await cache.invalidatePattern('room:3:*');
      load.release('kept');
      expect(await load.result).toBe('kept');
      expect(await cache.get('room:2:members')).toBe('kept');
      expect(cache.stats().singleFlight.invalidatedLoads).toBe(0);
    });
  });

  describe('invalidatePattern and clear', () => {
    beforeEach(() => boot());

    it('a pattern that backtracks a RegExp exponentially is matched at once', async () => {
      for (let i = 0; i < 1000; i++) await cache.set(`${'a'.repeat(190)}:${i}`, i);
      await cache.set('ends-with!', 1);
      await cache.invalidatePattern('nothing:*?*'); // once before timing: the bound is about freezing, not the JIT
      const started = performance.now();
      expect(await cache.invalidatePattern('*?*?*?*?*?*?*?*?*?*!')).toBe(1);
      // Generous: the RegExp matcher took seconds on 5 stars over 100 shorter keys.
      expect(performance.now() - started).toBeLessThan(50);
      expect(memory.size).toBe(1000);
    });

    it('refuses a pattern over 1024 characters, naming the limit', async () => {
      await expect(cache.invalidatePattern('a'.repeat(1025))).rejects.toThrow(
        new RangeError('a key pattern may be at most 1024 characters long (got 1025)'),
      );
      await expect(cache.invalidatePattern('*'.repeat(1024))).resolves.toBe(0);
    });

    it('invalidatePattern deletes only the matching keys and returns how many', async () => {
      await cache.set('user:1:profile', 'p1');
      await cache.set('user:1:sessions', 's1');
      await cache.set('user:2:profile', 'p2');
      await cache.set('user:10:profile', 'p10');
      await cache.set('room:1', 'r1');

      expect(await cache.invalidatePattern('user:1:*')).toBe(2);
      expect(await cache.get('user:1:profile')).toBeUndefined();
      expect(await cache.get('user:1:sessions')).toBeUndefined();
      expect(await cache.get('user:2:profile')).toBe('p2');
      expect(await cache.get('user:10:profile')).toBe('p10');
      expect(await cache.get('room:1')).toBe('r1');

      expect(await cache.invalidatePattern('user:?:profile')).toBe(1);
      expect(await cache.get('user:2:profile')).toBeUndefined();
      expect(await cache.get('user:10:profile')).toBe('p10');

      expect(await cache.invalidatePattern('nothing:*')).toBe(0);
      expect(memory.keys().sort()).toEqual(['room:1', 'user:10:profile']);
    });

    it('clear empties the cache', async () => {
      await cache.set('a', 1);
      await cache.set('b', 2, { tags: ['t'] });
      await cache.getOrSet('c', () => 3);
      await cache.clear();
      expect(await cache.get('a')).toBeUndefined();
      expect(await cache.get('b')).toBeUndefined();
      expect(await cache.get('c')).toBeUndefined();
      expect(memory.size).toBe(0);
      expect(cache.stats().memory!.entries).toBe(0);
      // and it keeps working afterwards
      await cache.set('a', 'again');
      expect(await cache.get('a')).toBe('again');
    });
  });

  describe('onInvalidate', () => {
    beforeEach(() => boot());

    const event = (partial: Partial<InvalidationEvent>): InvalidationEvent => ({
      keys: [],
      tags: [],
      patterns: [],
      clear: false,
      origin: 'local',
      reason: 'delete',
      ...partial,
    });

    it('tells listeners about every local invalidation with its keys, tags, patterns or clear and its reason', async () => {
      const events: InvalidationEvent[] = [];
      cache.onInvalidate((e) => events.push(e));
      await cache.set('k', 1);
      await cache.delete('k');
      await cache.delete(['a', 'b']);
      await cache.set('gone', undefined);
      await cache.invalidateTags(['user:1', 'room:2']);
      await cache.invalidatePattern('user:1:*');
      await cache.clear();
      expect(events).toEqual([
        event({ keys: ['k'], reason: 'delete' }),
        event({ keys: ['a', 'b'], reason: 'delete' }),
        event({ keys: ['gone'], reason: 'delete' }),
        event({ tags: ['user:1', 'room:2'], reason: 'tags' }),
        event({ patterns: ['user:1:*'], reason: 'pattern' }),
        event({ clear: true, reason: 'clear' }),
      ]);
    });

    it('calls every listener; the returned function unsubscribes only its own', async () => {
      const first: InvalidationEvent[] = [];
      const second: InvalidationEvent[] = [];
      const stopFirst = cache.onInvalidate((e) => first.push(e));
      cache.onInvalidate((e) => second.push(e));
      await cache.delete('x');
      stopFirst();
      await cache.delete('y');
      expect(first.map((e) => e.keys)).toEqual([['x']]);
      expect(second.map((e) => e.keys)).toEqual([['x'], ['y']]);
    });

    it('a throwing listener neither fails the call nor keeps other listeners from hearing; it is counted and logged', async () => {
      const heard: InvalidationEvent[] = [];
      cache.onInvalidate(() => {
        throw new Error('listener bug');
      });
      cache.onInvalidate((e) => heard.push(e));
      await cache.set('doomed', 1, { tags: ['t'] });
      await expect(cache.delete('doomed')).resolves.toBe(1);
      await expect(cache.invalidateTags(['t'])).resolves.toBeUndefined();
      expect(await cache.get('doomed')).toBeUndefined();
      expect(heard.map((e) => e.reason)).toEqual(['delete', 'tags']);
      expect(cache.stats().listenerErrors).toBe(2);
      expect(logger.errors.some((line) => line.includes('listener bug'))).toBe(true);
    });
  });

  describe('stats', () => {
    beforeEach(() => boot({ memory: { maxEntries: 500, maxBytes: 1_000_000 } }));

    it('counts hits and misses and reports the memory tier; no redis or bus in memory mode', async () => {
      await cache.set('a', 'x');
      await cache.get('a');
      await cache.get('a');
      await cache.get('missing');
      await cache.getOrSet('loaded', () => 1);
      await cache.getOrSet('loaded', () => 1);

      const stats = cache.stats();
      expect(stats.driver).toBe('memory');
      expect(typeof stats.instanceId).toBe('string');
      expect(stats.gets).toBe(5);
      expect(stats.hits).toBe(3);
      expect(stats.misses).toBe(2);
      expect(stats.hitRatio).toBeCloseTo(3 / 5);
      expect(stats.factory).toEqual({ calls: 1, errors: 0, uncacheable: 0, staleServed: 0, timeouts: 0 });
      expect(stats.memory).toMatchObject({ entries: 2, maxEntries: 500, maxBytes: 1_000_000, hits: 3, misses: 2 });
      expect(stats.memory!.bytes).toBeGreaterThan(0);
      expect(stats.memory!.hitRatio).toBeCloseTo(3 / 5);
      expect(stats.redis).toBeNull();
      expect(stats.bus).toBeNull();
      expect(stats.listenerErrors).toBe(0);
    });

    it('a fresh cache reports a hit ratio of 0, not NaN', () => {
      const stats = cache.stats();
      expect(stats.hitRatio).toBe(0);
      expect(stats.memory!.hitRatio).toBe(0);
    });
  });

  describe('bad input', () => {
    beforeEach(() => boot());

    const bad = 42 as unknown as string;

    it.each<[string, (cache: CacheService) => Promise<unknown>, ErrorConstructor]>([
      ['get with an empty key', (c) => c.get(''), TypeError],
      ['get with a key that is not a string', (c) => c.get(bad), TypeError],
      ['set with an empty key', (c) => c.set('', 1), TypeError],
      ['getOrSet with an empty key', (c) => c.getOrSet('', () => 1), TypeError],
      ['delete with an empty key', (c) => c.delete(''), TypeError],
      ['delete with an empty key in a list', (c) => c.delete(['ok', '']), TypeError],
      ['get of an internal key', (c) => c.get('__cc:bus'), TypeError],
      ['set of an internal key', (c) => c.set('__cc:tag:x', 1), TypeError],
      ['getOrSet of an internal key', (c) => c.getOrSet('__cc:x', () => 1), TypeError],
      ['set with tags that are not an array', (c) => c.set('k', 1, { tags: 'user:1' as unknown as string[] }), TypeError],
      ['getOrSet with tags that are not an array', (c) => c.getOrSet('k', () => 1, { tags: 'user:1' as unknown as string[] }), TypeError],
      ['set with an empty tag', (c) => c.set('k', 1, { tags: [''] }), TypeError],
      ['invalidateTags with a string', (c) => c.invalidateTags('user:1' as unknown as string[]), TypeError],
      ['invalidatePattern with an empty pattern', (c) => c.invalidatePattern(''), TypeError],
      ['invalidatePattern with a pattern over 1024 characters', (c) => c.invalidatePattern('*'.repeat(1025)), RangeError],
      ['set with a negative ttlMs', (c) => c.set('k', 1, { ttlMs: -1 }), RangeError],
      ['set with a NaN ttlMs', (c) => c.set('k', 1, { ttlMs: NaN }), RangeError],
      ['getOrSet with a negative ttlMs', (c) => c.getOrSet('k', () => 1, { ttlMs: -5 }), RangeError],
    ])('%s: the promise rejects', async (_name, call, errorType) => {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call(cache);
      }).not.toThrow();
      await expect(promise).rejects.toBeInstanceOf(errorType);
      expect(memory.size).toBe(0);
    });

    it('a rejected getOrSet does not call its factory', async () => {
      const factory = jest.fn(() => 1);
      await expect(cache.getOrSet('k', factory, { ttlMs: -1 })).rejects.toBeInstanceOf(RangeError);
      await expect(cache.getOrSet('__cc:k', factory)).rejects.toBeInstanceOf(TypeError);
      expect(factory).not.toHaveBeenCalled();
    });

    it('the error message says what is wrong', async () => {
      await expect(cache.get('')).rejects.toThrow(/non-empty string/);
      await expect(cache.set('__cc:x', 1)).rejects.toThrow(/__cc:/);
      await expect(cache.set('k', 1, { ttlMs: -1 })).rejects.toThrow(/ttlMs/);
      await expect(cache.set('k', 1, { tags: 'x' as unknown as string[] })).rejects.toThrow(/tags/);
    });
  });
});

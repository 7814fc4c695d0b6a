import { Logger } from '@nestjs/common';
import { deferred } from '../../test/support/deferred';
import { CacheService } from './cache.service';
import { resolveChatCacheOptions } from './chat-cache.defaults';
import { MemoryStore } from './stores/memory.store';

const TTL_MS = 10_000;

/** getOrSet's `eagerRefresh` on the memory driver, with a manual clock (Redis and the lease: test/cache/cluster-lock.e2e-spec.ts). */
describe('getOrSet eagerRefresh', () => {
  let nowMs: number;
  let memory: MemoryStore;
  let cache: CacheService;
  let logged: string[];

  beforeEach(() => {
    nowMs = 1_000_000;
    memory = new MemoryStore({ maxEntries: 100, maxBytes: 1_000_000, maxEntryBytes: 100_000, sweepIntervalMs: 0, now: () => nowMs });
    cache = new CacheService(resolveChatCacheOptions({}), memory, null);
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
  });

  afterEach(() => {
    memory.close();
    jest.restoreAllMocks();
  });

  /** Lets the background refresh's promises run. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('a hit before r x TTL refreshes nothing', async () => {
    await cache.getOrSet('k', () => 'v1', { ttlMs: TTL_MS });
    nowMs += 7_999;
    const factory = jest.fn(() => 'v2');
    expect(await cache.getOrSet('k', factory, { ttlMs: TTL_MS, eagerRefresh: 0.8 })).toBe('v1');
    await settle();
    expect(factory).not.toHaveBeenCalled();
  });

  it('a hit past r x TTL answers the cached value at once and refreshes it in the background, once per key', async () => {
    await cache.getOrSet('k', () => 'v1', { ttlMs: TTL_MS });
    nowMs += 8_000;
    const gate = deferred<string>();
    const factory = jest.fn(() => gate.promise);
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.getOrSet('k', factory, { ttlMs: TTL_MS, eagerRefresh: 0.8 })));
    // Answered while the refresh still runs: nobody waited for the factory.
    expect(answers).toEqual(Array(20).fill('v1'));
    await settle();
    expect(await cache.getOrSet('k', factory, { ttlMs: TTL_MS, eagerRefresh: 0.8 })).toBe('v1');
    expect(factory).toHaveBeenCalledTimes(1);
    gate.resolve('v2');
    await settle();
    expect(await cache.get('k')).toBe('v2');
    // The refreshed entry lives a whole TTL from now.
    nowMs += 9_000;
    expect(await cache.get('k')).toBe('v2');
    expect(cache.stats().eagerRefresh).toEqual({ started: 1, errors: 0 });
  });

  it('a failing refresh reaches no caller: logged, counted, the cached value stays', async () => {
    await cache.getOrSet('k', () => 'v1', { ttlMs: TTL_MS });
    nowMs += 9_000;
    const factory = jest.fn(async () => {
      throw new Error('database down');
    });
    expect(await cache.getOrSet('k', factory, { ttlMs: TTL_MS, eagerRefresh: 0.5 })).toBe('v1');
    await settle();
    expect(factory).toHaveBeenCalledTimes(1);
    expect(await cache.get('k')).toBe('v1');
    expect(cache.stats().eagerRefresh).toEqual({ started: 1, errors: 1 });
    expect(cache.stats().factory.errors).toBe(1);
    expect(logged).toEqual([expect.stringContaining('eager refresh of "k" failed')]);
    expect(logged[0]).toContain('database down');
  });

  it('a key invalidated while its refresh runs does not get the refreshed value back', async () => {
    await cache.getOrSet('k', () => 'v1', { ttlMs: TTL_MS });
    nowMs += 9_000;
    const gate = deferred<string>();
    expect(await cache.getOrSet('k', () => gate.promise, { ttlMs: TTL_MS, eagerRefresh: 0.5 })).toBe('v1');
    await cache.delete('k');
    gate.resolve('v2 (loaded before the delete)');
    await settle();
    expect(await cache.get('k')).toBeUndefined();
  });

  it.each([0, 1, -0.5, 1.5, Number.NaN, '0.5'])('refuses eagerRefresh %p with an error naming the option', async (ratio) => {
    await expect(cache.getOrSet('k', () => 'v', { eagerRefresh: ratio as number })).rejects.toThrow(
      /getOrSet: eagerRefresh must be a number between 0 and 1/,
    );
  });

  it('refuses an unknown lock, per call and as the module option', async () => {
    await expect(cache.getOrSet('k', () => 'v', { lock: 'global' as 'cluster' })).rejects.toThrow(
      /getOrSet: lock must be 'process' or 'cluster'/,
    );
    expect(() => resolveChatCacheOptions({ lock: 'cluser' as 'cluster' })).toThrow(/ChatCacheModule: lock must be 'process' or 'cluster'/);
  });
});

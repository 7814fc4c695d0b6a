import { Test, TestingModule } from '@nestjs/testing';
import { deferred } from '../../test/support/deferred';
import { CacheService } from './cache.service';
import { ChatCacheModule } from './chat-cache.module';
import { InvalidationEvent } from './invalidation/invalidation-message';

/** CacheService.refresh, the reload of a `Cache-Control: no-cache` request (memory driver; Redis and the bus: test/cache/http-cache.e2e-spec.ts). */
describe('CacheService.refresh', () => {
  let app: TestingModule;
  let cache: CacheService;
  let events: InvalidationEvent[];

  beforeEach(async () => {
    app = await Test.createTestingModule({ imports: [ChatCacheModule.forRoot({})] }).compile();
    await app.init();
    cache = app.get(CacheService);
    events = [];
    cache.onInvalidate((event) => events.push(event));
  });

  afterEach(async () => {
    await app.close();
  });

  const sameVersion = (stored: { v: number }, fresh: { v: number }) => stored.v === fresh.v;

  it('runs the factory whatever is cached, and answers its value', async () => {
    await cache.set('k', { v: 1 });
    const factory = jest.fn(() => ({ v: 1 }));
    expect(await cache.refresh('k', factory, { isUnchanged: sameVersion })).toEqual({ v: 1 });
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('writes nothing and announces nothing when the value is unchanged', async () => {
    const stored = { v: 1, note: 'stored' };
    await cache.set('k', stored);
    const set = jest.spyOn(cache, 'set');
    const deleted = jest.spyOn(cache, 'delete');
    expect(await cache.refresh('k', () => ({ v: 1, note: 'fresh' }), { isUnchanged: sameVersion })).toEqual({ v: 1, note: 'fresh' });
    expect(events).toEqual([]);
    expect(set).not.toHaveBeenCalled();
    expect(deleted).not.toHaveBeenCalled();
    // The stored value stays as it was (the same answer, by isUnchanged).
    expect(await cache.get('k')).toEqual(stored);
  });

  it('stores a changed value, and a value where none was stored', async () => {
    await cache.set('k', { v: 1 });
    await cache.refresh('k', () => ({ v: 2 }), { isUnchanged: sameVersion });
    expect(await cache.get('k')).toEqual({ v: 2 });
    await cache.refresh('new', () => ({ v: 1 }), { isUnchanged: sameVersion });
    expect(await cache.get('new')).toEqual({ v: 1 });
  });

  it('compares with Object.is by default', async () => {
    await cache.set('k', 'same');
    await cache.refresh('k', () => 'same');
    await cache.refresh('k', () => 'changed');
    expect(await cache.get('k')).toBe('changed');
  });

  it('stores the fresh value with its tags: invalidating them drops it', async () => {
    await cache.refresh('k', () => ({ v: 1 }), { tags: ['t'] });
    expect(await cache.get('k')).toEqual({ v: 1 });
    await cache.invalidateTags(['t']);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('keeps a value out of the cache when the key is deleted while the factory runs', async () => {
    await cache.set('k', { v: 1 });
    const gate = deferred<{ v: number }>();
    const refreshing = cache.refresh('k', () => gate.promise, { isUnchanged: sameVersion });
    await cache.delete('k');
    gate.resolve({ v: 2 });
    expect(await refreshing).toEqual({ v: 2 });
    expect(await cache.get('k')).toBeUndefined();
  });

  it('keeps a value out of the cache when its tags are invalidated while the factory runs', async () => {
    await cache.set('k', { v: 1 }, { tags: ['t'] });
    const gate = deferred<{ v: number }>();
    const refreshing = cache.refresh('k', () => gate.promise, { tags: ['t'], isUnchanged: sameVersion });
    await cache.invalidateTags(['t']);
    gate.resolve({ v: 2 });
    expect(await refreshing).toEqual({ v: 2 });
    expect(await cache.get('k')).toBeUndefined();
  });

  it('shares one factory call between concurrent refreshes of a key, and passes its error to each', async () => {
    const gate = deferred<number>();
    const factory = jest.fn(() => gate.promise);
    const both = Promise.all([cache.refresh('k', factory), cache.refresh('k', factory)]);
    gate.resolve(7);
    expect(await both).toEqual([7, 7]);
    expect(factory).toHaveBeenCalledTimes(1);

    const failing = cache.refresh('k', () => Promise.reject(new Error('db down')));
    await expect(failing).rejects.toThrow('db down');
    expect(await cache.get('k')).toBe(7);
  });

  it('makes a getOrSet load running meanwhile keep its older value out of the cache', async () => {
    const loadGate = deferred<string>();
    const loading = cache.getOrSet('k', () => loadGate.promise);
    await cache.refresh('k', () => 'fresh');
    loadGate.resolve('older');
    expect(await loading).toBe('older');
    expect(await cache.get('k')).toBe('fresh');
  });
});

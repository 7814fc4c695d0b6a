import { Test, TestingModule } from '@nestjs/testing';
import { CacheService } from './cache.service';
import { ChatCacheModule } from './chat-cache.module';
import { deferred } from '../../test/support/deferred';

describe('CacheService batches, namespaces and events (memory driver)', () => {
  let app: TestingModule;
  let cache: CacheService;

  beforeEach(async () => {
    app = await Test.createTestingModule({ imports: [ChatCacheModule.forRoot({})] }).compile();
    await app.init();
    cache = app.get(CacheService);
  });

  afterEach(() => app.close());

  it('getMany answers in order, undefined for misses', async () => {
    await cache.set('a', 1);
    await cache.set('c', { three: 3 });
    expect(await cache.getMany(['a', 'b', 'c', 'a'])).toEqual([1, undefined, { three: 3 }, 1]);
    expect(await cache.getMany([])).toEqual([]);
  });

  it('getOrSetMany loads every miss in one call, once per key even when a key is asked twice', async () => {
    await cache.set('a', 'cached');
    const loadMissing = jest.fn(async (keys: string[]) => new Map(keys.map((key) => [key, `v:${key}`])));
    expect(await cache.getOrSetMany(['a', 'b', 'c', 'b'], loadMissing)).toEqual(['cached', 'v:b', 'v:c', 'v:b']);
    expect(loadMissing.mock.calls.map((call) => call[0])).toEqual([['b', 'c']]);
    expect(await cache.getMany(['b', 'c'])).toEqual(['v:b', 'v:c']);
  });

  it('getOrSetMany: skipCache() returns the values without caching them; a key invalidated during the load is not kept', async () => {
    expect(await cache.getOrSetMany(['s'], (keys, context) => (context.skipCache(), new Map([['s', 1]])))).toEqual([1]);
    expect(await cache.get('s')).toBeUndefined();
    const gate = deferred<Map<string, number>>();
    const batch = cache.getOrSetMany(['x', 'y'], () => gate.promise);
    await Promise.resolve();
    await cache.delete('x');
    gate.resolve(
      new Map([
        ['x', 1],
        ['y', 2],
      ]),
    );
    expect(await batch).toEqual([1, 2]);
    expect(await cache.getMany(['x', 'y'])).toEqual([undefined, 2]);
  });

  it('getOrSetMany in a namespace gives loadMissing, and reads from its Map, keys relative to the namespace', async () => {
    const users = cache.namespace('users');
    const loadMissing = jest.fn(async (keys: string[]) => new Map(keys.map((key) => [key, `user ${key}`])));
    expect(await users.getOrSetMany(['1', '2'], loadMissing, { tags: (key) => [`user:${key}`] })).toEqual(['user 1', 'user 2']);
    expect(loadMissing.mock.calls[0][0]).toEqual(['1', '2']);
    expect(await cache.get('users:1')).toBe('user 1');
    await users.invalidateTags(['user:1']);
    expect(await users.getMany(['1', '2'])).toEqual([undefined, 'user 2']);
  });

  it('a namespace clear() leaves the rest of the cache alone', async () => {
    await cache.namespace('a').set('k', 1);
    await cache.namespace('ab').set('k', 2);
    await cache.set('a-k', 3);
    await cache.namespace('a').clear();
    expect(await cache.getMany(['a:k', 'ab:k', 'a-k'])).toEqual([undefined, 2, 3]);
  });

  it('on(hit) hears L1 hits of get, getOrSet and getMany; a namespace listener gets relative keys', async () => {
    await cache.namespace('n').set('k', 1);
    const root: string[] = [];
    const scoped: string[] = [];
    cache.on('hit', (event) => root.push(`${event.key}@${event.tier}/${event.namespace}`));
    cache.namespace('n').on('hit', (event) => scoped.push(event.key));
    await cache.get('n:k');
    await cache.namespace('n').getOrSet('k', () => 2);
    await cache.namespace('n').getMany(['k']);
    expect(root).toEqual(['n:k@memory/n', 'n:k@memory/n', 'n:k@memory/n']);
    expect(scoped).toEqual(['k', 'k', 'k']);
  });

  it('a namespace listener hears its own invalidations, relative to it, and the clears of the whole cache', async () => {
    const seen: string[] = [];
    cache.namespace('n').on('invalidate', (event) => seen.push(`${event.key}/${event.reason}`));
    cache.namespace('n').on('delete', (event) => seen.push(`${event.key}/delete`));
    await cache.namespace('n').invalidateTags(['t']);
    await cache.namespace('other').invalidateTags(['t']);
    await cache.namespace('n').delete('k');
    await cache.clear();
    expect(seen).toEqual(['t/tags', 'k/delete', '*/clear']);
  });
});

import { Logger } from '@nestjs/common';
import { CacheService } from '../cache.service';
import { resolveChatCacheOptions } from '../chat-cache.defaults';
import { MemoryStore } from '../stores/memory.store';
import { CacheErrorLog } from './cache-error-log';
import { CachePut } from './cache-put.decorator';
import { Cacheable } from './cacheable.decorator';
import { CachedMethodContext } from './cached-method-context';
import { wrapCachedMethod } from './wrap-cached-methods';

function memoryCache(): { cache: CacheService; memory: MemoryStore } {
  const options = resolveChatCacheOptions({});
  const memory = new MemoryStore({ ...options.memory, defaultTtlMs: options.defaultTtlMs });
  return { cache: new CacheService(options, memory, null), memory };
}

function applyCacheDecorators<T extends object>(instance: T, cache: CachedMethodContext['cache']) {
  const errors = new CacheErrorLog({ warn: jest.fn() } as unknown as Logger);
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(instance))) {
    wrapCachedMethod(instance as Record<string, unknown>, name, { cache, errors, className: instance.constructor.name });
  }
  return { instance, errors };
}

interface Session {
  id: string;
  title: string;
}

class SessionService {
  readonly rows = new Map<string, Session>([['s1', { id: 's1', title: 'first' }]]);
  readonly reads = jest.fn();

  @Cacheable({ key: 'session:{0}' })
  getSession(id: string): Session | undefined {
    this.reads(id);
    return this.rows.get(id);
  }

  @CachePut({ key: 'session:{result.id}', tags: ['session:{result.id}', 'titles:{1}'] })
  rename(id: string, title: string): Session {
    const row = this.rows.get(id);
    if (!row) throw new Error(`no session ${id}`);
    const renamed = { ...row, title };
    this.rows.set(id, renamed);
    return renamed;
  }

  @CachePut({ key: ([id]: [string]) => `session:${id}` })
  forget(id: string): undefined {
    this.rows.delete(id);
    return undefined;
  }
}

describe('@CachePut', () => {
  let cache: CacheService;
  let memory: MemoryStore;

  beforeEach(() => {
    ({ cache, memory } = memoryCache());
  });

  afterEach(() => memory.close());

  it('runs the method every time and stores its result, which the next @Cacheable read serves', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'first' });
    await expect(instance.rename('s1', 'second')).resolves.toEqual({ id: 's1', title: 'second' });
    await expect(instance.rename('s1', 'third')).resolves.toEqual({ id: 's1', title: 'third' });
    await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'third' });
    expect(instance.reads).toHaveBeenCalledTimes(1);
  });

  it('stores the entry under the tags it renders from the arguments and the result', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await instance.rename('s1', 'a:b');
    await cache.invalidateTags(['titles:a%3Ab']);
    await expect(cache.get('session:s1')).resolves.toBeUndefined();
  });

  it('stores an undefined result so that @Cacheable reads it back as undefined', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await instance.getSession('s1');
    await expect(instance.forget('s1')).resolves.toBeUndefined();
    await expect(instance.getSession('s1')).resolves.toBeUndefined();
    expect(instance.reads).toHaveBeenCalledTimes(1);
  });

  it('stores nothing when the method throws, and lets its error through unchanged', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await expect(instance.rename('nope', 'x')).rejects.toThrow('no session nope');
    await expect(cache.get('session:nope')).resolves.toBeUndefined();
  });

  it('returns the result when the cache fails, and counts the failure', async () => {
    const failing = { set: () => Promise.reject(new Error('cache down')) } as unknown as CachedMethodContext['cache'];
    const { instance, errors } = applyCacheDecorators(new SessionService(), failing);
    await expect(instance.rename('s1', 'second')).resolves.toEqual({ id: 's1', title: 'second' });
    expect(errors.count).toBe(1);
  });
});

import { applyCacheDecorators, failingCache, memoryCache } from '../../../test/support/decorated-instance';
import type { CacheService } from '../cache.service';
import type { MemoryStore } from '../stores/memory.store';
import { CachePut } from './cache-put.decorator';
import { Cacheable } from './cacheable.decorator';

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
    const { instance, errors } = applyCacheDecorators(new SessionService(), failingCache);
    await expect(instance.rename('s1', 'second')).resolves.toEqual({ id: 's1', title: 'second' });
    expect(errors.count).toBe(1);
  });
});

import { applyCacheDecorators, failingCache, memoryCache } from '../../../test/support/decorated-instance';
import type { CacheService } from '../cache.service';
import type { MemoryStore } from '../stores/memory.store';
import { CacheEvict } from './cache-evict.decorator';
import { CachePut } from './cache-put.decorator';

class SessionService {
  readonly write = jest.fn<unknown, [string]>((id) => ({ id, userId: 'u1' }));

  @CacheEvict({ keys: 'session:{0}', tags: ['user:{result.userId}'], pattern: 'messages:{0}:*' })
  deleteSession(id: string): unknown {
    return this.write(id);
  }

  @CacheEvict({ keys: ['session:{0}', ([id]: [string]) => `summary:${id}`] })
  archive(id: string): unknown {
    return this.write(id);
  }

  @CacheEvict({ keys: ([id]: [string]) => (id === 'bad' ? '' : `session:${id}`), tags: ['user:{result.userId}'] })
  touch(id: string): unknown {
    return this.write(id);
  }

  @CachePut({ key: 'session:{0}' })
  @CacheEvict({ keys: 'session:{0}', tags: ['sessions'] })
  replace(id: string): unknown {
    return this.write(id);
  }
}

describe('@CacheEvict', () => {
  let cache: CacheService;
  let memory: MemoryStore;

  beforeEach(async () => {
    ({ cache, memory } = memoryCache());
    await cache.set('session:s1', 'session one');
    await cache.set('summary:s1', 'summary one');
    await cache.set('sessions-of-u1', 'list', { tags: ['user:u1'] });
    await cache.set('messages:s1:page1', 'page one');
    await cache.set('messages:s1:page2', 'page two');
    await cache.set('messages:s2:page1', 'other session');
  });

  afterEach(() => memory.close());

  it('deletes the keys, invalidates the tags and deletes the pattern after the method succeeded', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await expect(instance.deleteSession('s1')).resolves.toEqual({ id: 's1', userId: 'u1' });
    await expect(cache.get('session:s1')).resolves.toBeUndefined();
    await expect(cache.get('sessions-of-u1')).resolves.toBeUndefined();
    await expect(cache.get('messages:s1:page1')).resolves.toBeUndefined();
    await expect(cache.get('messages:s1:page2')).resolves.toBeUndefined();
    await expect(cache.get('messages:s2:page1')).resolves.toBe('other session');
    await expect(cache.get('summary:s1')).resolves.toBe('summary one');
  });

  it('evicts nothing when the method throws, and lets its error through unchanged', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    const failure = new Error('write refused');
    instance.write.mockImplementationOnce(() => {
      throw failure;
    });
    await expect(instance.deleteSession('s1')).rejects.toBe(failure);
    await expect(cache.get('session:s1')).resolves.toBe('session one');
    await expect(cache.get('sessions-of-u1')).resolves.toBe('list');
    await expect(cache.get('messages:s1:page1')).resolves.toBe('page one');
  });

  it('deletes every key of a list, templates and functions alike', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await instance.archive('s1');
    await expect(cache.get('session:s1')).resolves.toBeUndefined();
    await expect(cache.get('summary:s1')).resolves.toBeUndefined();
  });

  it('matches glob syntax in an argument literally, so that it cannot widen the pattern', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await instance.deleteSession('*');
    await instance.deleteSession('s?');
    await instance.deleteSession('[s]1');
    await expect(cache.get('messages:s1:page1')).resolves.toBe('page one');
    await expect(cache.get('messages:s2:page1')).resolves.toBe('other session');
  });

  it('still runs the other evictions when one of them fails, and counts the failure', async () => {
    const { instance, errors } = applyCacheDecorators(new SessionService(), cache);
    await expect(instance.touch('bad')).resolves.toEqual({ id: 'bad', userId: 'u1' });
    await expect(cache.get('sessions-of-u1')).resolves.toBeUndefined();
    expect(errors.count).toBe(1);
  });

  it('returns the result when the cache fails', async () => {
    const { instance, errors } = applyCacheDecorators(new SessionService(), failingCache);
    await expect(instance.deleteSession('s1')).resolves.toEqual({ id: 's1', userId: 'u1' });
    expect(errors.count).toBe(3);
  });

  it('runs before @CachePut on the same method, so the put value stays', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await instance.replace('s1');
    await expect(cache.get('session:s1')).resolves.toEqual({ id: 's1', userId: 'u1' });
  });

  it('needs something to evict', () => {
    expect(() => CacheEvict({})).toThrow(/keys, tags or a pattern/);
  });
});

import { applyCacheDecorators, failingCache, memoryCache } from '../../../test/support/decorated-instance';
import { CacheService } from '../cache.service';
import { resolveChatCacheOptions } from '../chat-cache.defaults';
import { MemoryStore } from '../stores/memory.store';
import { Logger } from '@nestjs/common';
import { CacheErrorLog } from './cache-error-log';
import { wrapCachedMethod } from './wrap-cached-methods';
import { SetMetadata } from '@nestjs/common';
import { deferred } from '../../../test/support/deferred';
import { Cacheable } from './cacheable.decorator';
import { CachedMethodContext } from './cached-method-context';

class SessionService {
  readonly load = jest.fn<unknown, [string]>((id) => ({ id, title: `title of ${id}` }));

  @Cacheable({ key: 'session:{0}', tags: ['session:{0}'] })
  getSession(id: string): unknown {
    return this.load(id);
  }

  @Cacheable({ key: ([id]: [string]) => `raw:${id}` })
  getRaw(id: string): unknown {
    return this.load(id);
  }
}

describe('@Cacheable', () => {
  let cache: CacheService;
  let memory: MemoryStore;

  beforeEach(() => {
    ({ cache, memory } = memoryCache());
  });

  afterEach(() => memory.close());

  it('calls the method once per key and serves the stored value afterwards', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'title of s1' });
    await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'title of s1' });
    await expect(instance.getSession('s2')).resolves.toEqual({ id: 's2', title: 'title of s2' });
    expect(instance.load.mock.calls).toEqual([['s1'], ['s2']]);
    await expect(cache.get('session:s1')).resolves.toEqual({ id: 's1', title: 'title of s1' });
  });

  it.each([
    ['null', null],
    ['0', 0],
    ['an empty string', ''],
    ['false', false],
    ['undefined', undefined],
    ['NaN', NaN],
  ])('caches a result of %s like any other value', async (_name, value) => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    instance.load.mockReturnValue(value);
    await expect(instance.getSession('s1')).resolves.toBe(value);
    await expect(instance.getSession('s1')).resolves.toBe(value);
    expect(instance.load).toHaveBeenCalledTimes(1);
  });

  it('makes a synchronous method return a promise', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    const result = instance.getSession('s1');
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toEqual({ id: 's1', title: 'title of s1' });
  });

  it('serves the method with its own instance as this, and calls key functions with it', async () => {
    class Repository {
      prefix = 'tenant-a';
      rows = new Map([['r1', 'row one']]);

      @Cacheable({
        key: function (this: Repository, [id]: [string]) {
          return `${this.prefix}:${id}`;
        },
      })
      find(id: string): string | undefined {
        return this.rows.get(id);
      }
    }
    const { instance } = applyCacheDecorators(new Repository(), cache);
    await expect(instance.find('r1')).resolves.toBe('row one');
    await expect(cache.get('tenant-a:r1')).resolves.toBe('row one');
  });

  it('lets an error of the method reach the caller unchanged, and caches nothing', async () => {
    const { instance, errors } = applyCacheDecorators(new SessionService(), cache);
    const failure = new RangeError('no such session');
    instance.load.mockImplementationOnce(() => {
      throw failure;
    });
    await expect(instance.getSession('s1')).rejects.toBe(failure);
    await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'title of s1' });
    expect(instance.load).toHaveBeenCalledTimes(2);
    expect(errors.count).toBe(0);
  });

  it('lets a rejected promise of the method reach the caller unchanged', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    const failure = { code: 'NOT_FOUND' };
    instance.load.mockReturnValueOnce(Promise.reject(failure));
    await expect(instance.getSession('s1')).rejects.toBe(failure);
  });

  it('calls the method once for concurrent callers of a cold key', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    const gate = deferred<unknown>();
    instance.load.mockReturnValueOnce(gate.promise);
    const callers = Array.from({ length: 5 }, () => instance.getSession('s1'));
    gate.resolve({ id: 's1', title: 'loaded once' });
    const results = await Promise.all(callers);
    expect(results).toEqual(Array(5).fill({ id: 's1', title: 'loaded once' }));
    expect(instance.load).toHaveBeenCalledTimes(1);
  });

  it('gives every concurrent caller the error of the one call they shared', async () => {
    const { instance, errors } = applyCacheDecorators(new SessionService(), cache);
    const gate = deferred<unknown>();
    instance.load.mockReturnValueOnce(gate.promise);
    const callers = Array.from({ length: 3 }, () => instance.getSession('s1'));
    const failure = new Error('database gone');
    gate.reject(failure);
    const outcomes = await Promise.allSettled(callers);
    expect(outcomes).toEqual(Array(3).fill({ status: 'rejected', reason: failure }));
    expect(instance.load).toHaveBeenCalledTimes(1);
    expect(errors.count).toBe(0);
  });

  it('calls the method again after its tags are invalidated', async () => {
    const { instance } = applyCacheDecorators(new SessionService(), cache);
    await instance.getSession('s1');
    instance.load.mockReturnValueOnce({ id: 's1', title: 'renamed' });
    await cache.invalidateTags(['session:s1']);
    await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'renamed' });
  });

  it('stores the entry under the tags it renders', async () => {
    class Rooms {
      @Cacheable({ key: 'room:{0.id}', ttlMs: 60_000, tags: ([room]: [{ id: string }]) => [`room:${room.id}`] })
      get(room: { id: string }) {
        return `room ${room.id}`;
      }
    }
    const { instance } = applyCacheDecorators(new Rooms(), cache);
    await instance.get({ id: 'r1' });
    expect(memory.has('room:r1')).toBe(true);
    await cache.invalidateTags(['room:r1']);
    expect(memory.has('room:r1')).toBe(false);
  });

  describe('when the cache fails', () => {
    it('answers from the method, and counts and logs the failure with the method name', async () => {
      const { instance, errors, logger } = applyCacheDecorators(new SessionService(), failingCache);
      await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'title of s1' });
      await expect(instance.getSession('s1')).resolves.toEqual({ id: 's1', title: 'title of s1' });
      expect(errors.count).toBe(2);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toMatch(/SessionService\.getSession.*cache down/);
    });

    it('still lets the method error through unchanged', async () => {
      const { instance } = applyCacheDecorators(new SessionService(), failingCache);
      const failure = new Error('not found');
      instance.load.mockImplementation(() => {
        throw failure;
      });
      await expect(instance.getSession('s1')).rejects.toBe(failure);
    });

    it('does not run the method twice when the cache fails after the method ran', async () => {
      const failsAfterLoading: CachedMethodContext['cache'] = {
        ...failingCache,
        getOrSet: async (_key, factory) => {
          await factory({ stale: undefined, setTtlMs: () => undefined, setTags: () => undefined, skipCache: () => undefined });
          throw new Error('write failed');
        },
      };
      const { instance, errors } = applyCacheDecorators(new SessionService(), failsAfterLoading);
      instance.load.mockReturnValueOnce('loaded');
      await expect(instance.getSession('s1')).resolves.toBe('loaded');
      expect(instance.load).toHaveBeenCalledTimes(1);
      expect(errors.count).toBe(1);
    });

    it('answers from the method when the rendered key is not a valid key', async () => {
      class Odd {
        @Cacheable({ key: ([key]: [string]) => key })
        echo(key: string) {
          return `echo ${key}`;
        }
      }
      const { instance, errors } = applyCacheDecorators(new Odd(), cache);
      await expect(instance.echo('')).resolves.toBe('echo ');
      await expect(instance.echo('__cc:internal')).resolves.toBe('echo __cc:internal');
      expect(errors.count).toBe(2);
    });

    it('answers from the method when the key function throws', async () => {
      class Broken {
        @Cacheable({
          key: () => {
            throw new Error('bad key function');
          },
        })
        value() {
          return 1;
        }
      }
      const { instance, errors } = applyCacheDecorators(new Broken(), cache);
      await expect(instance.value()).resolves.toBe(1);
      expect(errors.count).toBe(1);
    });
  });

  it("keeps the method's name and the metadata other decorators put on it", async () => {
    const ROLE = 'test:role';
    class Guarded {
      @SetMetadata(ROLE, 'admin')
      @Cacheable({ key: 'guarded' })
      secret() {
        return 'secret';
      }
    }
    const original = Guarded.prototype.secret;
    const { instance } = applyCacheDecorators(new Guarded(), cache);
    expect(instance.secret).not.toBe(original);
    expect(instance.secret.name).toBe('secret');
    expect(Reflect.getMetadata(ROLE, instance.secret)).toBe('admin');
  });

  it('wraps a method once, however often the instance is visited', async () => {
    const instance = new SessionService();
    const errors = new CacheErrorLog(new Logger('test'));
    const context = { cache, errors, className: 'SessionService' };
    expect(wrapCachedMethod(instance as never, 'getSession', context)).toBe(true);
    expect(wrapCachedMethod(instance as never, 'getSession', context)).toBe(false);
    await instance.getSession('s1');
    await instance.getSession('s1');
    expect(instance.load).toHaveBeenCalledTimes(1);
  });

  it('leaves other instances of the class alone', async () => {
    applyCacheDecorators(new SessionService(), cache);
    const plain = new SessionService();
    expect(plain.getSession('s1')).toEqual({ id: 's1', title: 'title of s1' });
  });

  it('rejects {result} in its key or tags, and a second @Cacheable on one method, when the class is declared', () => {
    expect(() => Cacheable({ key: 'session:{result.id}' })).toThrow(/\{result\}/);
    expect(() => Cacheable({ key: 'session:{0}', tags: ['user:{result.userId}'] })).toThrow(/\{result\}/);
    expect(() => {
      class Twice {
        @Cacheable({ key: 'a' })
        @Cacheable({ key: 'b' })
        value() {
          return 1;
        }
      }
      return Twice;
    }).toThrow(/twice/);
  });
});

describe('@Cacheable eagerRefresh and lock', () => {
  it('passes eagerRefresh to getOrSet: a hit past r x TTL answers the stored value and reloads it in the background', async () => {
    let nowMs = 1_000_000;
    const options = resolveChatCacheOptions({});
    const memory = new MemoryStore({ ...options.memory, sweepIntervalMs: 0, now: () => nowMs });
    const cache = new CacheService(options, memory, null);
    class Prices {
      version = 1;
      @Cacheable({ key: 'price:{0}', ttlMs: 10_000, eagerRefresh: 0.5, lock: 'process' })
      price(id: string): string {
        return `${id} v${this.version}`;
      }
    }
    try {
      const { instance } = applyCacheDecorators(new Prices(), cache);
      await expect(instance.price('a')).resolves.toBe('a v1');
      instance.version = 2;
      nowMs += 6_000;
      await expect(instance.price('a')).resolves.toBe('a v1');
      await new Promise((resolve) => setImmediate(resolve));
      await expect(instance.price('a')).resolves.toBe('a v2');
    } finally {
      memory.close();
    }
  });

  it('refuses an eagerRefresh outside 0 < r < 1 or an unknown lock when the method is decorated', () => {
    expect(() => Cacheable({ key: 'k', eagerRefresh: 1 })).toThrow(/@Cacheable: eagerRefresh must be a number between 0 and 1/);
    expect(() => Cacheable({ key: 'k', lock: 'everywhere' as 'cluster' })).toThrow(/@Cacheable: lock must be 'process' or 'cluster'/);
  });
});

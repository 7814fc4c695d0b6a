import { applyCacheDecorators, memoryCache } from '../../../test/support/decorated-instance';
import { deferred } from '../../../test/support/deferred';
import type { CacheService } from '../cache.service';
import { CacheFactoryTimeoutError } from '../errors';
import type { MemoryStore } from '../stores/memory.store';
import { Cacheable } from './cacheable.decorator';

const slowLoad = deferred<string>();

class SlowService {
  readonly load = jest.fn(() => slowLoad.promise);

  @Cacheable({ key: 'slow:{0}', hardTimeoutMs: 20 })
  get(id: string): Promise<string> {
    void id;
    return this.load();
  }
}

/** @Cacheable with getOrSet's fail-safe options (grace across instances: test/cache/fail-safe.e2e-spec.ts). */
describe('@Cacheable fail-safe options', () => {
  let cache: CacheService;
  let memory: MemoryStore;

  beforeEach(() => {
    ({ cache, memory } = memoryCache());
  });

  afterEach(() => memory.close());

  it('past hardTimeoutMs the caller gets the CacheFactoryTimeoutError, and the method is not run a second time around the cache', async () => {
    const { instance, errors } = applyCacheDecorators(new SlowService(), cache);
    await expect(instance.get('1')).rejects.toBeInstanceOf(CacheFactoryTimeoutError);
    expect(instance.load).toHaveBeenCalledTimes(1);
    expect(errors.count).toBe(0);
    slowLoad.resolve('late');
    // The late value is kept a few promise reactions after the method's own settles.
    await new Promise((resolve) => setImmediate(resolve));
    await expect(instance.get('1')).resolves.toBe('late');
    expect(instance.load).toHaveBeenCalledTimes(1);
  });

  it('refuses a bad duration when applied, naming the decorator', () => {
    expect(() => Cacheable({ key: 'k', graceMs: -1 })).toThrow('@Cacheable: graceMs must be a finite number >= 0');
    expect(() => Cacheable({ key: 'k', softTimeoutMs: 0 })).toThrow('@Cacheable: softTimeoutMs must be a finite number > 0');
  });
});

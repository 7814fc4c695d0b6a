import { HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { CacheService } from '../cache.service';
import { ChatCacheModule } from '../chat-cache.module';

describe('factory errors in stats()', () => {
  let app: TestingModule;
  let cache: CacheService;
  beforeEach(async () => {
    app = await Test.createTestingModule({ imports: [ChatCacheModule.forRoot({})] }).compile();
    await app.init();
    cache = app.get(CacheService);
  });
  afterEach(() => app.close());

  const load = (key: string, error: unknown) =>
    cache.getOrSet(key, () => {
      throw error;
    });

  it('does not count an HTTP 4xx the factory threw (a missing row is an answer), but passes it on', async () => {
    await expect(load('missing', new NotFoundException('no such session'))).rejects.toThrow('no such session');
    await expect(load('forbidden', new HttpException('no', HttpStatus.FORBIDDEN))).rejects.toThrow('no');
    expect(cache.stats().factory).toEqual({ calls: 2, errors: 0, uncacheable: 0, staleServed: 0, timeouts: 0 });
  });

  it('counts every other error, a 5xx HttpException included', async () => {
    await expect(load('broken', new Error('the database connection is not open'))).rejects.toThrow();
    await expect(load('unavailable', new HttpException('down', HttpStatus.SERVICE_UNAVAILABLE))).rejects.toThrow();
    expect(cache.stats().factory).toEqual({ calls: 2, errors: 2, uncacheable: 0, staleServed: 0, timeouts: 0 });
  });
});

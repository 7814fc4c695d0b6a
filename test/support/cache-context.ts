import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  CACHE_MANAGER,
  CacheService,
  ChatCacheModule,
  ChatCacheOptions,
  MEMORY_STORE,
  MemoryStore,
  REDIS_STORE,
  RedisStore,
} from '../../src/cache';
import type { Cache } from 'cache-manager';

export interface CacheContext {
  app: INestApplicationContext;
  cache: CacheService;
  memory: MemoryStore;
  redis: RedisStore | null;
  cacheManager: Cache;
  close(): Promise<void>;
}

/** A small Nest application holding only ChatCacheModule, as a user's app would import it. */
export async function startCacheContext(options: ChatCacheOptions): Promise<CacheContext> {
  @Module({ imports: [ChatCacheModule.forRoot(options)] })
  class FixtureModule {}
  const app = await NestFactory.createApplicationContext(FixtureModule, { logger: false });
  await app.init();
  return {
    app,
    cache: app.get(CacheService),
    memory: app.get(MEMORY_STORE),
    redis: app.get(REDIS_STORE),
    cacheManager: app.get(CACHE_MANAGER),
    close: () => app.close(),
  };
}

import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { CHAT_CACHE_OPTIONS, MEMORY_STORE, REDIS_STORE } from './chat-cache.constants';
import { ChatCacheConfigurableModule } from './chat-cache.module-definition';
import { chatCacheProviders } from './chat-cache.providers';
import { CacheService } from './cache.service';
import { CacheTelemetry } from './telemetry/cache-telemetry';
import { CacheableMethodsExplorer } from './decorators/cacheable-methods.explorer';
import { HttpCacheErrorLog } from './interceptors/http-cache-error-log';
import { HttpCacheInterceptor } from './interceptors/http-cache.interceptor';

/**
 * The tiered cache for Nest applications:
 * `ChatCacheModule.forRoot({ redis: { url: 'redis://localhost:6379' } })`, then inject `CacheService`
 * (or `CACHE_MANAGER`, `MEMORY_STORE`, `REDIS_STORE`) anywhere, put `@Cacheable` on provider methods
 * (DiscoveryModule lets CacheableMethodsExplorer find them) and `@HttpCache()` on GET routes.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [...chatCacheProviders, CacheableMethodsExplorer, HttpCacheErrorLog, HttpCacheInterceptor],
  exports: [
    CHAT_CACHE_OPTIONS,
    MEMORY_STORE,
    REDIS_STORE,
    CacheService,
    CacheTelemetry,
    CACHE_MANAGER,
    CacheableMethodsExplorer,
    HttpCacheErrorLog,
    HttpCacheInterceptor,
  ],
})
export class ChatCacheModule extends ChatCacheConfigurableModule {}

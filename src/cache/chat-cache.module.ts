import { Module } from '@nestjs/common';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { CHAT_CACHE_OPTIONS, MEMORY_STORE, REDIS_STORE } from './chat-cache.constants';
import { ChatCacheConfigurableModule } from './chat-cache.module-definition';
import { chatCacheProviders } from './chat-cache.providers';
import { CacheService } from './cache.service';

/**
 * The tiered cache for Nest applications:
 * `ChatCacheModule.forRoot({ redis: { url: 'redis://localhost:6379' } })`, then inject `CacheService`
 * (or `CACHE_MANAGER`, `MEMORY_STORE`, `REDIS_STORE`) anywhere.
 */
@Module({
  providers: chatCacheProviders,
  exports: [CHAT_CACHE_OPTIONS, MEMORY_STORE, REDIS_STORE, CacheService, CACHE_MANAGER],
})
export class ChatCacheModule extends ChatCacheConfigurableModule {}

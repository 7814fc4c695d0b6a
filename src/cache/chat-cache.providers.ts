import { Provider } from '@nestjs/common';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { CHAT_CACHE_OPTIONS, MEMORY_STORE, REDIS_STORE } from './chat-cache.constants';
import { resolveChatCacheOptions } from './chat-cache.defaults';
import { CHAT_CACHE_RAW_OPTIONS } from './chat-cache.module-definition';
import { ChatCacheOptions, ResolvedChatCacheOptions } from './chat-cache.options';
import { CacheService } from './cache.service';
import { createCompatCacheManager } from './compat/cache-manager.compat';
import { MemoryStore } from './stores/memory.store';
import { createRedisClient } from './stores/redis-client.factory';
import { RedisStore } from './stores/redis.store';
import { CacheTelemetry } from './telemetry/cache-telemetry';

export const chatCacheProviders: Provider[] = [
  {
    provide: CHAT_CACHE_OPTIONS,
    useFactory: (raw: ChatCacheOptions) => resolveChatCacheOptions(raw),
    inject: [CHAT_CACHE_RAW_OPTIONS],
  },
  {
    provide: MEMORY_STORE,
    useFactory: (options: ResolvedChatCacheOptions) => new MemoryStore({ ...options.memory, defaultTtlMs: options.defaultTtlMs }),
    inject: [CHAT_CACHE_OPTIONS],
  },
  CacheTelemetry,
  {
    provide: REDIS_STORE,
    useFactory: (options: ResolvedChatCacheOptions): RedisStore | null => {
      if (options.driver === 'memory') return null;
      const { url, clusterNodes, commandTimeoutMs, connectTimeoutMs } = options.redis;
      const client = createRedisClient({ url, clusterNodes, commandTimeoutMs, connectTimeoutMs });
      return new RedisStore(client, {
        keyPrefix: options.keyPrefix,
        defaultTtlMs: options.defaultTtlMs,
        // One bound for both tiers: an entry over it is kept in neither.
        maxEntryBytes: options.memory.maxEntryBytes,
        description: describeRedis(url, clusterNodes),
      });
    },
    inject: [CHAT_CACHE_OPTIONS],
  },
  CacheService,
  {
    provide: CACHE_MANAGER,
    useFactory: (cache: CacheService, options: ResolvedChatCacheOptions) => createCompatCacheManager(cache, options),
    inject: [CacheService, CHAT_CACHE_OPTIONS],
  },
];

/** The Redis address for logs, never its password. */
export function describeRedis(url: string | undefined, clusterNodes: string[] | undefined): string {
  if (clusterNodes?.length) return `cluster ${clusterNodes.join(',')}`;
  try {
    const parsed = new URL(url!);
    parsed.password = parsed.password ? '***' : '';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}

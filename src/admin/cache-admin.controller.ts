import { BadRequestException, Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth';
import { CacheableMethodsExplorer, CacheService, HttpCacheInterceptor } from '../cache';
import { ChatCacheInvalidationListener } from '../chat/chat-cache-invalidation.listener';
import { InvalidateCacheDto } from './invalidate-cache.dto';

/** Operators' view of the cache; ADMIN_TOKEN only, and 404 when it is unset. */
@Controller('cache')
@UseGuards(AdminTokenGuard)
export class CacheAdminController {
  constructor(
    private readonly cache: CacheService,
    private readonly invalidationListener: ChatCacheInvalidationListener,
    private readonly cachedMethods: CacheableMethodsExplorer,
    private readonly httpCache: HttpCacheInterceptor,
  ) {}

  @Get('stats')
  stats() {
    return {
      ...this.cache.stats(),
      invalidationListener: { failures: this.invalidationListener.failures },
      // Cache failures that calls went on without (served from the database instead).
      absorbedErrors: { cachedMethods: this.cachedMethods.errors, httpCache: this.httpCache.errors },
    };
  }

  /**
   * Drops keys, tagged entries and keys matching a glob (inside the cache's prefix), on every
   * instance. Answers how many keys were deleted and how many tags were invalidated (a tag's
   * entries are not counted: invalidating one costs O(1), whatever it covers).
   */
  @Post('invalidate')
  @HttpCode(200)
  async invalidate(@Body() body: InvalidateCacheDto) {
    const { keys = [], tags = [], pattern } = body;
    if (keys.length === 0 && tags.length === 0 && pattern === undefined) {
      throw new BadRequestException('give at least one of keys, tags and pattern');
    }
    const deletedKeys = keys.length > 0 ? await this.cache.delete(keys) : 0;
    if (tags.length > 0) await this.cache.invalidateTags(tags);
    const matched = pattern === undefined ? 0 : await this.cache.invalidatePattern(pattern);
    return { invalidated: { keys: deletedKeys, tags: tags.length, pattern: matched } };
  }
}

import { BadRequestException, Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../auth';
import { ADMIN_TOKEN, ApiErrors } from '../http/openapi/api-answers';
import { CacheableMethodsExplorer, CacheService, HttpCacheInterceptor } from '../cache';
import { ChatCacheInvalidationListener } from '../chat/chat-cache-invalidation.listener';
import { InvalidateCacheDto, InvalidatedResponse } from './invalidate-cache.dto';

/** Operators' view of the cache; ADMIN_TOKEN only, and 404 when it is unset. */
@ApiTags('admin')
@ApiBearerAuth(ADMIN_TOKEN)
@ApiNotFoundResponse({ description: 'ADMIN_TOKEN is not set: the admin routes do not exist' })
@ApiErrors(401)
@Controller('cache')
@UseGuards(AdminTokenGuard)
export class CacheAdminController {
  constructor(
    private readonly cache: CacheService,
    private readonly invalidationListener: ChatCacheInvalidationListener,
    private readonly cachedMethods: CacheableMethodsExplorer,
    private readonly httpCache: HttpCacheInterceptor,
  ) {}

  @ApiOperation({ summary: 'Per-tier cache stats, invalidation-listener failures, cache errors absorbed' })
  @ApiOkResponse({ description: 'CacheService.stats() and the counters', schema: { type: 'object', additionalProperties: true } })
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
  @ApiOperation({ summary: 'Drop keys, tagged entries and keys matching a glob, on every instance' })
  @ApiOkResponse({ type: InvalidatedResponse })
  @ApiErrors(400, 413, 415)
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

import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { HttpCacheInterceptor } from './http-cache.interceptor';
import { HTTP_CACHE_METADATA, HttpCacheOptions } from './http-cache.options';

/**
 * Caches the JSON responses of a GET (or HEAD) route, per caller: see HttpCacheInterceptor.
 * On a controller class it applies to each of its GET routes.
 *
 * ```ts
 * @Get(':id')
 * @HttpCache({ ttlMs: 30_000, tags: (request) => [`session:${request.params.id}`] })
 * getSession(@Param('id') id: string) { ... }
 * ```
 */
export function HttpCache(options: HttpCacheOptions = {}): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(HTTP_CACHE_METADATA, options), UseInterceptors(HttpCacheInterceptor));
}

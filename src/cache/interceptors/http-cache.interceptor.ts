import { CallHandler, ExecutionContext, Injectable, NestInterceptor, StreamableFile } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, Observable } from 'rxjs';
import { CacheService } from '../cache.service';
import { FactoryOutcome } from '../util/factory-failure';
import { CachedHttpResponse, cachedHttpResponse, isCachedHttpResponse } from './cached-http-response';
import { HttpCacheErrorLog } from './http-cache-error-log';
import { HttpCacheableRequest, httpCacheKey, httpCachePartition } from './http-cache-key';
import { HTTP_CACHE_METADATA, HttpCacheOptions } from './http-cache.options';
import { requestCacheControl } from './request-cache-control';

export type HttpCacheOutcome = 'HIT' | 'MISS' | 'BYPASS';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The response methods used (Express; Node's ServerResponse has them too). */
interface HttpCacheResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * Serves GET and HEAD responses of routes marked `@HttpCache()` from CacheService, per caller
 * (see httpCachePartition), and answers `X-Cache: HIT | MISS | BYPASS` and a strong `ETag`.
 *
 * - HIT and MISS send the stored JSON text with `application/json`; Express's `res.send` answers
 *   304 without a body when `If-None-Match` matches the ETag (it reads `req.fresh`).
 * - `Cache-Control: no-cache` skips the read but stores the fresh answer; `no-store` does neither.
 * - Only what Nest would send as JSON (an object or array) is cached; other results, and the
 *   answers of handlers that throw, pass through untouched with `X-Cache: BYPASS` or not at all.
 * - A cache failure makes the request a BYPASS (logged, counted in `errors`), never a failure.
 * - Built for @nestjs/platform-express with the default JSON settings (no `json spaces`/`replacer`).
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  constructor(
    private readonly cache: CacheService,
    private readonly reflector: Reflector,
    private readonly failures: HttpCacheErrorLog,
  ) {}

  /** Cache failures the HTTP cache absorbed in this application (those requests were answered as BYPASS). */
  get errors(): number {
    return this.failures.count;
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpCacheableRequest>();
    const response = http.getResponse<HttpCacheResponse>();
    if (request.method !== 'GET' && request.method !== 'HEAD') return next.handle();
    const options =
      this.reflector.getAllAndOverride<HttpCacheOptions | undefined>(HTTP_CACHE_METADATA, [context.getHandler(), context.getClass()]) ?? {};
    const where = `${request.method} ${request.route?.path ?? request.path}`;
    const directives = requestCacheControl(request.headers);

    let key: string | undefined;
    try {
      const partition = directives.noStore ? undefined : httpCachePartition(request, options);
      key = partition === undefined ? undefined : httpCacheKey(request, partition);
    } catch (error) {
      this.failures.record(where, error);
    }
    if (key === undefined) return this.bypass(response, next);

    try {
      // no-cache: the client wants an answer newer than any copy, so drop ours and load afresh.
      if (directives.noCache) await this.cache.delete(key);
    } catch (error) {
      this.failures.record(where, error);
      return this.bypass(response, next);
    }
    return from(this.load(request, response, next, key, options, where, directives.noCache ? 'BYPASS' : 'MISS'));
  }

  /**
   * The cached answer, or the handler's, loaded through getOrSet: concurrent misses of one caller
   * and route share one handler run, and an invalidation of the route's tags during that run keeps
   * its (possibly stale) answer out of the cache, which a get-then-set would store.
   */
  private async load(
    request: HttpCacheableRequest,
    response: HttpCacheResponse,
    next: CallHandler,
    key: string,
    options: HttpCacheOptions,
    where: string,
    loadedOutcome: HttpCacheOutcome,
  ): Promise<unknown> {
    let handlerRan = false;
    try {
      const entry = await this.cache.getOrSet<CachedHttpResponse>(
        key,
        async () => {
          handlerRan = true;
          let result: unknown;
          try {
            result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          } catch (error) {
            throw new HandlerFailure(error);
          }
          const body = jsonBody(result);
          if (body === undefined) throw new UncacheableResult(result);
          return cachedHttpResponse(body);
        },
        { ttlMs: options.ttlMs, tags: options.tags?.(request) },
      );
      if (!isCachedHttpResponse(entry)) throw new TypeError(`the entry of ${where} is not a cached HTTP response`);
      return this.send(response, entry, handlerRan ? loadedOutcome : 'HIT');
    } catch (error) {
      if (error instanceof HandlerFailure) throw error.error;
      if (error instanceof UncacheableResult) {
        response.setHeader('X-Cache', 'BYPASS');
        return error.result;
      }
      this.failures.record(where, error);
      // The cache failed before the handler ran: answer without it. (After it ran, getOrSet has
      // nothing left that can fail: the write to Redis happens in the background.)
      response.setHeader('X-Cache', 'BYPASS');
      return handlerRan ? Promise.reject(error) : lastValueFrom(next.handle(), { defaultValue: undefined });
    }
  }

  private send(response: HttpCacheResponse, entry: CachedHttpResponse, outcome: HttpCacheOutcome): string {
    response.setHeader('X-Cache', outcome);
    response.setHeader('ETag', entry.etag);
    response.setHeader('Content-Type', JSON_CONTENT_TYPE);
    return entry.body;
  }

  private bypass(response: HttpCacheResponse, next: CallHandler): Observable<unknown> {
    response.setHeader('X-Cache', 'BYPASS');
    return next.handle();
  }
}

/** The JSON text Nest would send for `result` (it sends objects and arrays as JSON), or undefined. */
function jsonBody(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object' || result instanceof StreamableFile) return undefined;
  try {
    return JSON.stringify(result);
  } catch {
    // Circular or holding a bigint: Nest fails on it as it would without the cache.
    return undefined;
  }
}

/** A handler's error, carried through getOrSet (to joined callers too) and rethrown unchanged. */
class HandlerFailure extends FactoryOutcome {
  constructor(readonly error: unknown) {
    super();
  }
}

/** A handler result that is not a JSON body: answered as is, and never stored. */
class UncacheableResult extends FactoryOutcome {
  readonly error = undefined;

  constructor(readonly result: unknown) {
    super();
  }
}

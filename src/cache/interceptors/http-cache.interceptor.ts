import { CallHandler, ExecutionContext, Injectable, NestInterceptor, StreamableFile } from '@nestjs/common';
import { ApplicationConfig, Reflector } from '@nestjs/core';
import { from, lastValueFrom, Observable } from 'rxjs';
import { CacheService, FactoryContext, LoadOutcome } from '../cache.service';
import { FactoryOutcome } from '../util/factory-failure';
import { CachedHttpResponse, cachedHttpResponse, isCachedHttpResponse } from './cached-http-response';
import { HttpCacheErrorLog } from './http-cache-error-log';
import { HttpCacheableRequest, httpCacheKey, httpCachePartition } from './http-cache-key';
import { HTTP_CACHE_METADATA, HttpCacheOptions } from './http-cache.options';
import { ifNoneMatchMatches } from './if-none-match';
import { requestCacheControl } from './request-cache-control';
import { HeaderWritableResponse, setSharedCacheHeaders } from './shared-cache-headers';
import { INVALID_QUERY, RouteHandler, ValidatedQueries } from './validated-query';

export type HttpCacheOutcome = 'HIT' | 'MISS' | 'BYPASS' | 'STALE';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The response methods used (Express; Node's ServerResponse has them too). */
type HttpCacheResponse = HeaderWritableResponse;

/**
 * Serves GET and HEAD responses of routes marked `@HttpCache()` from CacheService, per caller
 * (see httpCachePartition), and answers `X-Cache: HIT | MISS | BYPASS | STALE` and a strong `ETag`.
 *
 * - With `graceMs` (or the module's), a stored answer past its TTL is kept that long: while the
 *   handler fails (thrown errors and 5xx, not 4xx), it answers with `X-Cache: STALE`.
 *
 * - Requests are keyed by the query the handler will receive (see ValidatedQueries): `?limit=020`
 *   is `?limit=20`. A query the route's pipes refuse is never cached: the pipes answer the 400.
 * - HIT and MISS send the stored JSON text with `application/json`; `If-None-Match` matching the
 *   ETag answers 304 without a body, whatever the request's Cache-Control says.
 * - `Cache-Control: no-cache` skips the read, answers the handler's answer (BYPASS), and stores it
 *   only when it differs from the stored one (CacheService.refresh): an unchanged reload costs no
 *   delete and no bus message. `no-store` neither reads nor writes.
 * - Every answer says `Cache-Control: private, no-cache` (`no-cache` in the public partition) and
 *   `Vary: Authorization`, so that no shared cache serves one caller's answer to another.
 * - Only what Nest would send as JSON (an object or array) is cached; other results, and the
 *   answers of handlers that throw, pass through untouched with `X-Cache: BYPASS` or not at all.
 * - A cache failure makes the request a BYPASS (logged, counted in `errors`), never a failure.
 * - Built for @nestjs/platform-express with the default JSON settings (no `json spaces`/`replacer`).
 */
@Injectable()
export class HttpCacheInterceptor implements NestInterceptor {
  private readonly queries: ValidatedQueries;

  constructor(
    private readonly cache: CacheService,
    private readonly reflector: Reflector,
    private readonly failures: HttpCacheErrorLog,
    config: ApplicationConfig,
  ) {
    this.queries = new ValidatedQueries(config);
  }

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

    let partition: string | undefined;
    try {
      partition = httpCachePartition(request, options);
    } catch (error) {
      this.failures.record(where, error);
    }
    setSharedCacheHeaders(response, partition);
    if (partition === undefined || directives.noStore) return this.bypass(response, next);

    let key: string;
    try {
      const route: RouteHandler = { controller: context.getClass(), handler: context.getHandler() };
      const query = await this.queries.of(route, request.query ?? {});
      // The route's pipes refuse this query: let them answer (a 400), and cache nothing.
      if (query === INVALID_QUERY) return this.bypass(response, next);
      key = httpCacheKey(request, partition, query);
    } catch (error) {
      this.failures.record(where, error);
      return this.bypass(response, next);
    }
    return from(this.load(request, response, next, key, options, where, directives.noCache));
  }

  /**
   * The cached answer, or the handler's, loaded through getOrSet (or, for `reload`, refresh):
   * concurrent misses of one caller and route share one handler run, and an invalidation of the
   * route's tags during that run keeps its (possibly stale) answer out of the cache, which a
   * get-then-set would store.
   */
  private async load(
    request: HttpCacheableRequest,
    response: HttpCacheResponse,
    next: CallHandler,
    key: string,
    options: HttpCacheOptions,
    where: string,
    reload: boolean,
  ): Promise<unknown> {
    let handlerRan = false;
    /** The handler's answer, once it has one: a cache failure after that still sends it. */
    let produced: CachedHttpResponse | undefined;
    const runHandler = async (context: FactoryContext): Promise<CachedHttpResponse | UncachedResult> => {
      handlerRan = true;
      let result: unknown;
      try {
        result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      } catch (error) {
        throw new HandlerFailure(error);
      }
      const body = jsonBody(result);
      if (body === undefined) {
        context.skipCache();
        return new UncachedResult(result);
      }
      produced = cachedHttpResponse(body);
      return produced;
    };
    try {
      const setOptions = { ttlMs: options.ttlMs, tags: options.tags?.(request), graceMs: options.graceMs };
      const outcome: LoadOutcome = { stale: false };
      const entry = reload
        ? await this.cache.refresh(key, runHandler, { ...setOptions, isUnchanged: sameResponse })
        : await this.cache.getOrSet(key, runHandler, setOptions, outcome);
      if (entry instanceof UncachedResult) {
        response.setHeader('X-Cache', 'BYPASS');
        return entry.result;
      }
      if (!isCachedHttpResponse(entry)) throw new TypeError(`the entry of ${where} is not a cached HTTP response`);
      return this.send(request, response, entry, reload ? 'BYPASS' : outcome.stale ? 'STALE' : handlerRan ? 'MISS' : 'HIT');
    } catch (error) {
      if (error instanceof HandlerFailure) throw error.error;
      this.failures.record(where, error);
      // The cache failed after the handler answered (storing it), or before the handler ran:
      // answer without the cache either way.
      if (produced !== undefined) return this.send(request, response, produced, 'BYPASS');
      response.setHeader('X-Cache', 'BYPASS');
      return handlerRan ? Promise.reject(error) : lastValueFrom(next.handle(), { defaultValue: undefined });
    }
  }

  private send(request: HttpCacheableRequest, response: HttpCacheResponse, entry: CachedHttpResponse, outcome: HttpCacheOutcome): string {
    response.setHeader('X-Cache', outcome);
    response.setHeader('ETag', entry.etag);
    response.setHeader('Content-Type', JSON_CONTENT_TYPE);
    // Express's res.send answers 304 without a body when `req.fresh`, whose own test refuses any
    // request with Cache-Control: no-cache. That directive asks us not to answer from a stored copy
    // without checking it; the answer here is checked (or fresh), so its ETag alone decides.
    Object.defineProperty(request, 'fresh', {
      value: ifNoneMatchMatches(request.headers['if-none-match'], entry.etag),
      configurable: true,
    });
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

/** Whether a reload found what the cache holds: then neither a write nor a bus message is needed. */
function sameResponse(stored: CachedHttpResponse | UncachedResult, fresh: CachedHttpResponse | UncachedResult): boolean {
  return isCachedHttpResponse(stored) && !(fresh instanceof UncachedResult) && stored.etag === fresh.etag && stored.body === fresh.body;
}

/** A handler's error, carried through getOrSet (to joined callers too) and rethrown unchanged. */
class HandlerFailure extends FactoryOutcome {
  constructor(readonly error: unknown) {
    super();
  }
}

/**
 * A handler result that is not a JSON body: answered as is (to the callers that joined the load
 * too), and never stored (the handler's factory calls `skipCache()`).
 */
class UncachedResult {
  constructor(readonly result: unknown) {}
}

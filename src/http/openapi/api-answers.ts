import { applyDecorators, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponse } from './error.response';

/** Security schemes of the document (see openapi.ts). */
export const USER_TOKEN = 'user-token';
export const ADMIN_TOKEN = 'admin-token';
export const METRICS_TOKEN = 'metrics-token';

/** What every error status of a route means for this API, unless the route says more. */
const ERROR_MEANINGS: Record<number, string> = {
  400: 'Bad input: malformed JSON, an unknown or wrong field, an out-of-range limit, a repeated query parameter; the message names it',
  401: 'No bearer token, an invalid one, or the token of a deleted user',
  404: 'Not found (a session of another user is not found either)',
  413: 'The body is larger than 64 KiB',
  415: 'The body is not application/json',
  503: 'The database cannot be reached',
};

/** Error answers in Nest's shape, `{ statusCode, message, error }`. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_MEANINGS[status] ?? STATUS_CODES[status] ?? String(status), type: ErrorResponse }),
    ),
  );
}

/** A route that needs a user's bearer token (POST /users gives one). */
export function ApiUserToken(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(USER_TOKEN), ApiErrors(401));
}

/** The headers of an answer of the HTTP cache (HttpCacheInterceptor). */
const CACHE_HEADERS = {
  'X-Cache': {
    description:
      'HIT: from the cache; MISS: computed and cached; BYPASS: computed, the cache not read (Cache-Control: no-cache or no-store, or a cache failure); STALE: from the grace period while the source failed',
    schema: { type: 'string', enum: ['HIT', 'MISS', 'BYPASS', 'STALE'] },
  },
  ETag: { description: 'Strong validator of the JSON text: send it back as If-None-Match for a 304', schema: { type: 'string' } },
  'Cache-Control': {
    description: 'Per user: no shared cache may store it, every cache must revalidate',
    schema: { type: 'string', example: 'private, no-cache' },
  },
  Vary: { description: 'Who asks decides what is answered', schema: { type: 'string', example: 'Authorization' } },
};

/**
 * A GET answered through the HTTP cache: 200 with `type` (or the schema given) and the cache
 * headers, 304 when If-None-Match holds the current ETag (also under Cache-Control: no-cache).
 */
export function ApiCachedOk(answer: Type<unknown>, description: string): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(answer),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of an earlier answer: 304 if it is still current' }),
    ApiHeader({
      name: 'Cache-Control',
      required: false,
      description:
        'no-cache: answer from the source, not the cache (a matching If-None-Match still gives 304); no-store: neither read nor write the cache',
    }),
    ApiResponse({ status: 200, description, headers: CACHE_HEADERS, schema: { $ref: getSchemaPath(answer) } }),
    ApiResponse({ status: 304, description: 'Not Modified: the If-None-Match ETag is current; no body', headers: CACHE_HEADERS }),
  );
}

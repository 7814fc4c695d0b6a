import { hash } from 'node:crypto';
import { stableJson } from '../decorators/stable-json';
import { HttpCacheOptions } from './http-cache.options';

/** The partition of requests without user and without credentials: answers anyone may see. */
export const PUBLIC_PARTITION = 'public';

/** The request fields the key reads (Express's request and Fastify's have them, the route as `route` or `routeOptions`). */
export interface HttpCacheableRequest {
  method: string;
  path?: string;
  /** Express: the route that matched. */
  route?: { path?: string };
  /** Fastify: the options of the route that matched, its pattern as `url`. */
  routeOptions?: { url?: string };
  params?: unknown;
  query?: unknown;
  headers: Record<string, string | string[] | undefined>;
  user?: unknown;
}

/**
 * Whose data a response is, or undefined when that cannot be told: a request that carries
 * credentials (Authorization, Cookie) but no user could be anyone's, so it is never shared.
 * Default user partitions are `user:<id>`, which no user id can turn into `public`.
 */
export function httpCachePartition(request: HttpCacheableRequest, options: HttpCacheOptions): string | undefined {
  if (options.partitionBy) return nonEmpty(options.partitionBy(request));
  const user = request.user as { id?: unknown; sub?: unknown } | null | undefined;
  if (user !== undefined && user !== null) {
    const id = nonEmpty(user.id ?? user.sub);
    return id === undefined ? undefined : `user:${id}`;
  }
  if (request.headers.authorization !== undefined || request.headers.cookie !== undefined) return undefined;
  return PUBLIC_PARTITION;
}

/**
 * `http:<partition>:<hash>`, the hash covering the method, the route pattern, and the params and
 * query with keys sorted (`?a=1&b=2` and `?b=2&a=1` share an entry). Never the URL alone: the
 * partition keeps users apart. `query` is the query the handler receives (the interceptor passes
 * the validated one, see ValidatedQueries), the raw one by default.
 */
export function httpCacheKey(request: HttpCacheableRequest, partition: string, query: unknown = request.query ?? {}): string {
  const route = routePattern(request) ?? '';
  const identity = `${request.method} ${route} ${requestJson(request.params ?? {})} ${requestJson(query)}`;
  // crypto.hash: the same digest as createHash(...).update().digest(), without a Hash object per request.
  return `http:${encodeURIComponent(partition)}:${hash('sha256', identity, 'base64url')}`;
}

/** The pattern of the route that matched (`/sessions/:id`), as Express or Fastify names it, else the path. */
export function routePattern(request: HttpCacheableRequest): string | undefined {
  return request.route?.path ?? request.routeOptions?.url ?? request.path;
}

/**
 * stableJson of route params or a query, which are on nearly every request plain objects of
 * strings (Express's params, and its query unless repeated or nested keys make arrays or objects):
 * for those, the JSON of a copy with sorted keys is exactly stableJson's text (the same copy its
 * replacer makes), without a replacer call per value. Anything else goes to stableJson.
 */
function requestJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return stableJson(value);
  const prototype = Object.getPrototypeOf(value);
  // Plain objects only (Express's query has a null prototype): a Map, a Date, an array... are not flat.
  if (prototype !== Object.prototype && prototype !== null) return stableJson(value);
  const keys = Object.keys(value).sort();
  const sorted: Record<string, string> = {};
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item !== 'string') return stableJson(value);
    sorted[key] = item;
  }
  return JSON.stringify(sorted);
}

function nonEmpty(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

import { createHash } from 'node:crypto';
import { stableJson } from '../decorators/stable-json';
import { HttpCacheOptions } from './http-cache.options';

/** The partition of requests without user and without credentials: answers anyone may see. */
export const PUBLIC_PARTITION = 'public';

/** The request fields the key reads (an Express request has them all). */
export interface HttpCacheableRequest {
  method: string;
  path?: string;
  route?: { path?: string };
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
 * partition keeps users apart.
 */
export function httpCacheKey(request: HttpCacheableRequest, partition: string): string {
  const route = request.route?.path ?? request.path ?? '';
  const identity = `${request.method} ${route} ${stableJson(request.params ?? {})} ${stableJson(request.query ?? {})}`;
  const hash = createHash('sha256').update(identity).digest('base64url');
  return `http:${encodeURIComponent(partition)}:${hash}`;
}

function nonEmpty(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === '' ? undefined : text;
}

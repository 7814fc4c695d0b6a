import { createHash } from 'node:crypto';

/** What the HTTP cache stores: the JSON text exactly as sent, and its validator. */
export interface CachedHttpResponse {
  body: string;
  etag: string;
}

export function cachedHttpResponse(body: string): CachedHttpResponse {
  return { body, etag: strongEtag(body) };
}

/** A strong ETag: a digest of the exact bytes sent, so equal bodies share it on every instance. */
export function strongEtag(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

export function isCachedHttpResponse(value: unknown): value is CachedHttpResponse {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as CachedHttpResponse).body === 'string' &&
    typeof (value as CachedHttpResponse).etag === 'string'
  );
}

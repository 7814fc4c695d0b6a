export const HTTP_CACHE_METADATA = 'chat-cache:http-cache';

export interface HttpCacheOptions {
  /** Defaults to the module's `defaultTtlMs`; 0 means no expiry. */
  ttlMs?: number;
  /**
   * How long a response is kept past its TTL (module `graceMs` when omitted): while the handler
   * fails (a 5xx or a thrown error, not a 4xx), the kept response answers, with `X-Cache: STALE`.
   */
  graceMs?: number;
  /** Cache tags of the response, e.g. `(request) => [\`session:${request.params.id}\`]`. */
  tags?: (request: any) => readonly string[];
  /**
   * Whose data the response is: responses are shared only within one partition. Defaults to the
   * authenticated user (`request.user.id ?? request.user.sub`, partition `user:<id>`), or `public`
   * for a request without user and without credentials. Returning undefined bypasses the cache.
   * A custom partition is used as is: keep `public` for data every caller may see.
   */
  partitionBy?: (request: any) => string | undefined;
}

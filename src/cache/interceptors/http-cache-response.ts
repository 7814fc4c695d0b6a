/**
 * The response of a cached route, as either adapter hands it to an interceptor: Express's response
 * (and Node's ServerResponse) set a header with `setHeader`, Fastify's reply with `header`; both
 * read one with `getHeader`.
 */
export interface HttpCacheResponse {
  setHeader?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
  getHeader(name: string): unknown;
}

export function setResponseHeader(response: HttpCacheResponse, name: string, value: string): void {
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else response.header!(name, value);
}

/** Whether this is Fastify's reply (it wraps Node's response as `raw`), which answers 304 differently from Express. */
export function isFastifyReply(response: HttpCacheResponse): boolean {
  return typeof (response as { code?: unknown }).code === 'function' && typeof (response as { raw?: unknown }).raw === 'object';
}

import { HttpCacheableRequest, httpCacheKey, httpCachePartition } from './http-cache-key';
import { requestCacheControl } from './request-cache-control';

function requestOf(overrides: Partial<HttpCacheableRequest> = {}): HttpCacheableRequest {
  return { method: 'GET', path: '/sessions/s1', route: { path: '/sessions/:id' }, params: { id: 's1' }, query: {}, headers: {}, ...overrides };
}

describe('HTTP cache partition', () => {
  it('is the user when there is one, by id or else by sub', () => {
    expect(httpCachePartition(requestOf({ user: { id: 'u1' } }), {})).toBe('user:u1');
    expect(httpCachePartition(requestOf({ user: { sub: 42 } }), {})).toBe('user:42');
    expect(httpCachePartition(requestOf({ user: { id: 'u1' }, headers: { authorization: 'Bearer t' } }), {})).toBe('user:u1');
  });

  it('is public without user and without credentials, and none (bypass) with credentials', () => {
    expect(httpCachePartition(requestOf(), {})).toBe('public');
    expect(httpCachePartition(requestOf({ headers: { authorization: 'Bearer t' } }), {})).toBeUndefined();
    expect(httpCachePartition(requestOf({ headers: { cookie: 'sid=1' } }), {})).toBeUndefined();
  });

  it('is none (bypass) for a user object without id or sub', () => {
    expect(httpCachePartition(requestOf({ user: { name: 'who?' } }), {})).toBeUndefined();
    expect(httpCachePartition(requestOf({ user: { id: '' } }), {})).toBeUndefined();
  });

  it('is what partitionBy answers when given, undefined or empty meaning bypass', () => {
    const byTenant = { partitionBy: (request: HttpCacheableRequest) => request.headers['x-tenant'] as string | undefined };
    expect(httpCachePartition(requestOf({ headers: { 'x-tenant': 'acme', authorization: 'x' } }), byTenant)).toBe('acme');
    expect(httpCachePartition(requestOf(), byTenant)).toBeUndefined();
    expect(httpCachePartition(requestOf({ headers: { 'x-tenant': '' } }), byTenant)).toBeUndefined();
  });
});

describe('HTTP cache key', () => {
  it('ignores the order of query parameters and of params', () => {
    const a = httpCacheKey(requestOf({ query: { a: '1', b: ['x', 'y'] }, params: { id: 's1', v: '2' } }), 'user:u1');
    const b = httpCacheKey(requestOf({ query: { b: ['x', 'y'], a: '1' }, params: { v: '2', id: 's1' } }), 'user:u1');
    expect(a).toBe(b);
    expect(a).toMatch(/^http:user%3Au1:[A-Za-z0-9_-]{43}$/);
  });

  it('differs by partition, method, route, params and query', () => {
    const base = httpCacheKey(requestOf(), 'user:u1');
    expect(httpCacheKey(requestOf(), 'user:u2')).not.toBe(base);
    expect(httpCacheKey(requestOf(), 'public')).not.toBe(base);
    expect(httpCacheKey(requestOf({ method: 'HEAD' }), 'user:u1')).not.toBe(base);
    expect(httpCacheKey(requestOf({ route: { path: '/archive/:id' } }), 'user:u1')).not.toBe(base);
    expect(httpCacheKey(requestOf({ params: { id: 's2' } }), 'user:u1')).not.toBe(base);
    expect(httpCacheKey(requestOf({ query: { b: ['y', 'x'] } }), 'user:u1')).not.toBe(httpCacheKey(requestOf({ query: { b: ['x', 'y'] } }), 'user:u1'));
  });

  it('escapes the partition, so that no partition reaches into another', () => {
    expect(httpCacheKey(requestOf(), 'a:b')).toMatch(/^http:a%3Ab:/);
  });
});

describe('request Cache-Control', () => {
  it('reads no-cache and no-store among other directives, in any case', () => {
    expect(requestCacheControl({})).toEqual({ noCache: false, noStore: false });
    expect(requestCacheControl({ 'cache-control': 'max-age=0, No-Cache' })).toEqual({ noCache: true, noStore: false });
    expect(requestCacheControl({ 'cache-control': 'no-store' })).toEqual({ noCache: false, noStore: true });
    expect(requestCacheControl({ 'cache-control': ['no-cache', 'no-store'] })).toEqual({ noCache: true, noStore: true });
  });
});

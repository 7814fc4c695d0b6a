import { createHash } from 'node:crypto';
import { stableJson } from '../decorators/stable-json';
import { HttpCacheableRequest, httpCacheKey, httpCachePartition } from './http-cache-key';
import { requestCacheControl } from './request-cache-control';

function requestOf(overrides: Partial<HttpCacheableRequest> = {}): HttpCacheableRequest {
  return {
    method: 'GET',
    path: '/sessions/s1',
    route: { path: '/sessions/:id' },
    params: { id: 's1' },
    query: {},
    headers: {},
    ...overrides,
  };
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
    expect(httpCacheKey(requestOf({ query: { b: ['y', 'x'] } }), 'user:u1')).not.toBe(
      httpCacheKey(requestOf({ query: { b: ['x', 'y'] } }), 'user:u1'),
    );
  });

  it('is the sha256 of the method, route and stableJson of params and query, whatever their shape', () => {
    const reference = (request: HttpCacheableRequest, partition: string) =>
      `http:${encodeURIComponent(partition)}:${createHash('sha256')
        .update(
          `${request.method} ${request.route?.path ?? request.path ?? ''} ${stableJson(request.params ?? {})} ${stableJson(request.query ?? {})}`,
        )
        .digest('base64url')}`;
    const nullPrototype = Object.assign(Object.create(null) as Record<string, string>, { b: '2', a: '1' });
    const shapes: unknown[] = [
      {},
      { id: 's1' },
      { b: 'x', a: 'y', c: '' },
      { 10: 'ten', 2: 'two', a: 'letter' },
      nullPrototype,
      { q: 'café "quoted" \\ \n 👍' },
      { tags: ['b', 'a'] },
      { filter: { role: 'user', since: '2025' } },
      { limit: 20, flag: true, none: null },
      new Map([
        ['b', '1'],
        ['a', '2'],
      ]),
      new Date(0),
      ['x', 'y'],
    ];
    for (const params of shapes) {
      for (const query of shapes) {
        const request = requestOf({ params, query });
        expect(httpCacheKey(request, 'user:u1')).toBe(reference(request, 'user:u1'));
      }
    }
    expect(httpCacheKey(requestOf({ params: undefined, query: undefined, route: undefined }), 'public')).toBe(
      reference(requestOf({ params: undefined, query: undefined, route: undefined }), 'public'),
    );
  });

  it('keys by the query it is given (the validated one) instead of the raw query', () => {
    const raw = requestOf({ query: { limit: '020' } });
    const validated = { limit: 20 };
    expect(httpCacheKey(raw, 'user:u1', validated)).toBe(httpCacheKey(requestOf({ query: { limit: '20' } }), 'user:u1', { limit: 20 }));
    expect(httpCacheKey(raw, 'user:u1', validated)).not.toBe(httpCacheKey(raw, 'user:u1'));
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

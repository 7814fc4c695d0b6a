import { setSharedCacheHeaders } from './shared-cache-headers';

function response(initial: Record<string, string> = {}) {
  const headers = new Map(Object.entries(initial).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    headers,
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
}

describe('shared cache headers', () => {
  it('keeps a user partition out of shared caches, and lets the public one be shared but revalidated', () => {
    const user = response();
    setSharedCacheHeaders(user, 'user:u1');
    expect(Object.fromEntries(user.headers)).toEqual({ 'cache-control': 'private, no-cache', vary: 'Authorization' });
    const unknown = response();
    setSharedCacheHeaders(unknown, undefined);
    expect(unknown.headers.get('cache-control')).toBe('private, no-cache');
    const everyone = response();
    setSharedCacheHeaders(everyone, 'public');
    expect(Object.fromEntries(everyone.headers)).toEqual({ 'cache-control': 'no-cache', vary: 'Authorization' });
  });

  it('adds Authorization to a Vary already there, once', () => {
    const encoded = response({ Vary: 'Accept-Encoding' });
    setSharedCacheHeaders(encoded, 'user:u1');
    expect(encoded.headers.get('vary')).toBe('Accept-Encoding, Authorization');
    const already = response({ Vary: 'accept-encoding, authorization' });
    setSharedCacheHeaders(already, 'user:u1');
    expect(already.headers.get('vary')).toBe('accept-encoding, authorization');
    const anything = response({ Vary: '*' });
    setSharedCacheHeaders(anything, 'user:u1');
    expect(anything.headers.get('vary')).toBe('*');
  });

  it("sets them on Fastify's reply too, which has header() instead of setHeader()", () => {
    const headers = new Map<string, string>([['vary', 'Accept-Encoding']]);
    const reply = {
      header: (name: string, value: string) => headers.set(name.toLowerCase(), value),
      getHeader: (name: string) => headers.get(name.toLowerCase()),
    };
    setSharedCacheHeaders(reply, 'user:u1');
    expect(Object.fromEntries(headers)).toEqual({ 'cache-control': 'private, no-cache', vary: 'Accept-Encoding, Authorization' });
  });
});

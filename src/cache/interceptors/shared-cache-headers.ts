import { PUBLIC_PARTITION } from './http-cache-key';
import { HttpCacheResponse, setResponseHeader } from './http-cache-response';

/**
 * What caches downstream (browsers, proxies, CDNs) may do with the answers of a cached route
 * (RFC 9111). A partition other than `public` is someone's data: `private` keeps it out of every
 * shared cache. `no-cache` makes every cache revalidate each time (the answer can change at any
 * write; revalidation costs a 304). `Vary: Authorization` because who asks decides what is
 * answered: a public answer must never be replayed to a caller with credentials. A route that
 * sets its own Cache-Control (`@Header`) overrides this one: Nest applies it afterwards.
 */
export function setSharedCacheHeaders(response: HttpCacheResponse, partition: string | undefined): void {
  setResponseHeader(response, 'Cache-Control', partition === PUBLIC_PARTITION ? 'no-cache' : 'private, no-cache');
  addVary(response, 'Authorization');
}

function addVary(response: HttpCacheResponse, field: string): void {
  const current = response.getHeader('Vary');
  if (current === undefined) {
    setResponseHeader(response, 'Vary', field); // nearly every request: nothing to merge with
    return;
  }
  const fields = (Array.isArray(current) ? current.join(',') : typeof current === 'string' ? current : '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (fields.some((item) => item === '*' || item.toLowerCase() === field.toLowerCase())) return;
  setResponseHeader(response, 'Vary', [...fields, field].join(', '));
}

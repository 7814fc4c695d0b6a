/** The entity tags of an If-None-Match header: quoted tags (weak ones marked `W/`), or `*`. */
const ENTITY_TAG = /(?:W\/)?"[^"]*"|\*/g;

/**
 * Whether a request's If-None-Match matches the current ETag, by the weak comparison RFC 9110
 * (13.1.2) prescribes for it: `W/"x"` matches `"x"`, and `*` matches any current answer.
 * Computed here rather than by Express's `req.fresh`, which answers false to every request that
 * carries `Cache-Control: no-cache`, as every conditional request of a browser or of Node's
 * `fetch` does (the Fetch standard adds it).
 */
export function ifNoneMatchMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const current = opaque(etag);
  for (const tag of (Array.isArray(header) ? header.join(',') : header).match(ENTITY_TAG) ?? []) {
    if (tag === '*' || opaque(tag) === current) return true;
  }
  return false;
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

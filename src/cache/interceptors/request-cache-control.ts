/** The request's own cache directives (RFC 9111): `no-cache` revalidates, `no-store` keeps nothing. */
export interface RequestCacheControl {
  noCache: boolean;
  noStore: boolean;
}

const NO_DIRECTIVES: Readonly<RequestCacheControl> = Object.freeze({ noCache: false, noStore: false });

export function requestCacheControl(headers: Record<string, string | string[] | undefined>): RequestCacheControl {
  const header = headers['cache-control'];
  // Most requests send none.
  if (header === undefined) return NO_DIRECTIVES;
  const directives = new Set(
    (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((directive) => directive.trim().toLowerCase().split('=')[0]),
  );
  return { noCache: directives.has('no-cache'), noStore: directives.has('no-store') };
}

/** The request's own cache directives (RFC 9111): `no-cache` revalidates, `no-store` keeps nothing. */
export interface RequestCacheControl {
  noCache: boolean;
  noStore: boolean;
}

export function requestCacheControl(headers: Record<string, string | string[] | undefined>): RequestCacheControl {
  const header = headers['cache-control'];
  const directives = new Set(
    (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((directive) => directive.trim().toLowerCase().split('=')[0]),
  );
  return { noCache: directives.has('no-cache'), noStore: directives.has('no-store') };
}

import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  /** How long the load ran, in seconds. */
  durationS: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses by X-Cache value ('-' when absent). */
  xCache: Record<string, number>;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
}

/** autocannon against one GET route with a bearer token, counting X-Cache values of the responses. */
export async function load(url: string, token: string, options: LoadOptions): Promise<LoadResult> {
  const xCache: Record<string, number> = {};
  const result = await autocannon({
    url,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationS,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        method: 'GET',
        onResponse: (_status, _body, _context, headers) => {
          const value = headerValue(headers, 'x-cache') ?? '-';
          xCache[value] = (xCache[value] ?? 0) + 1;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.total / result.duration,
    requests: result.requests.total,
    durationS: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    xCache,
  };
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return String(headers[key]);
  return undefined;
}

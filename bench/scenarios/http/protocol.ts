/** The IPC messages between scenario 7 (07-http.ts) and its server process (server.ts). */

/** The benchmarked routes, by contender. */
export interface BenchRoutes {
  ours: string;
  cacheManager: string;
  uncached: string;
  database: string;
  constant: string;
}

export interface ServerStats {
  /** Calls of the bench handlers (the chat's own route is counted by `cache.factoryCalls`). */
  handlerCalls: { cacheManager: number; uncached: number; database: number; constant: number };
  /** CacheService counters: every read of ChatCacheModule, HTTP cache and @Cacheable alike. */
  cache: { gets: number; hits: number; misses: number; factoryCalls: number };
  rssBytes: number;
  /** process.cpuUsage() of the server, user + system, in microseconds. */
  cpuMicros: number;
}

export type FromServer =
  | {
      type: 'ready';
      base: string;
      token: string;
      routes: BenchRoutes;
      /** The JSON text every route answers. */
      page: string;
      /** What stores the peer's CacheInterceptor reads, e.g. "Map". */
      peerStore: string;
      /** X-Cache of each route once warm. */
      warm: Record<string, string>;
      stats: ServerStats;
    }
  | { type: 'stats'; id: number; stats: ServerStats }
  | { type: 'error'; message: string };

export type ToServer = { type: 'stats'; id: number } | { type: 'stop' };

/** The IPC messages between scenario 15 (15-chat-load.ts) and its server processes (server.ts). */

export interface ChatLoadServerStats {
  /** Handler runs of the peer's CacheInterceptor routes (its misses); 0 where they are not mounted. */
  peerHandlerRuns: number;
  /** process.cpuUsage() of the server, user + system, in microseconds. */
  cpuMicros: number;
}

export interface ChatLoadReady {
  type: 'ready';
  base: string;
}

/** The environment the scenario gives each server. */
export interface ChatLoadServerEnv {
  /** The SQLite file the instances of one variant share. */
  BENCH_CHAT_DATABASE_PATH: string;
  /** `on`: the app as shipped (hybrid, on BENCH_CHAT_REDIS_URL); `off`: no cache, and the peer's routes. */
  BENCH_CHAT_CACHE: 'on' | 'off';
  BENCH_CHAT_REDIS_URL: string;
  BENCH_CHAT_ADMIN_TOKEN: string;
  [name: string]: string;
}

/** One secret for every instance: a token the seeding got from one is good on all (the users are the same in every file). */
export const CHAT_LOAD_JWT_SECRET = 'bench-chat-load-secret-of-at-least-32-chars';

import type { LogLevel } from '@nestjs/common';
import type { CacheDriver, MemoryPolicy } from '../cache';

/** Everything the application reads from its environment, validated and typed. */
export interface AppConfig {
  nodeEnv: string;
  port: number;
  /** The HTTP platform under Nest: Express (the default) or Fastify. The API answers the same on both. */
  httpAdapter: HttpAdapterName;
  databasePath: string;
  /** PostgreSQL instead of SQLite when `url` is set (DATABASE_URL). */
  postgres: {
    url: string | undefined;
    /** Most connections one instance opens. */
    poolMax: number;
    /** Longest one statement (and one wait for a connection) may take. */
    statementTimeoutMs: number;
  };
  logLevel: LogLevel;
  /** `json`: one JSON object per line, for log pipelines; `text`: Nest's coloured lines. */
  logFormat: 'text' | 'json';
  jwtSecret: string | undefined;
  adminToken: string | undefined;
  /** Unset: GET /metrics is open; set: it needs `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  /** Longest a shutdown waits for requests in flight before it closes their connections. */
  shutdownTimeoutMs: number;
  cache: {
    driver: CacheDriver | undefined;
    keyPrefix: string;
    defaultTtlMs: number;
    /**
     * How long the chat's entries are kept past their TTL, as the answer while the database fails
     * (`X-Cache: STALE`); 0 turns grace off.
     */
    graceMs: number;
    memory: { maxEntries: number; maxBytes: number; policy: MemoryPolicy };
    redis: { url: string | undefined; clusterNodes: string[] | undefined; commandTimeoutMs: number };
  };
}

export type HttpAdapterName = 'express' | 'fastify';

export const APP_CONFIG = Symbol('APP_CONFIG');

import type { LogLevel } from '@nestjs/common';
import { DEFAULT_MEMORY_POLICY, MEMORY_POLICIES, type CacheDriver } from '../cache';
import { AppConfig, HttpAdapterName } from './app-config';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const CACHE_DRIVERS: CacheDriver[] = ['memory', 'redis', 'hybrid'];
const HTTP_ADAPTERS: HttpAdapterName[] = ['express', 'fastify'];

/**
 * The one place that reads the environment (the README's configuration table). Unset or empty
 * variables take their defaults; a bad value throws a ConfigError naming the variable.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const redisUrl = optional(env, 'REDIS_URL');
  if (redisUrl !== undefined) requireRedisUrl(redisUrl);
  const clusterNodes = optional(env, 'REDIS_CLUSTER_NODES')
    ?.split(',')
    .map((node) => node.trim());
  clusterNodes?.forEach((node) => {
    if (!/^[^\s:]+:\d{1,5}$/.test(node)) throw new ConfigError('REDIS_CLUSTER_NODES', `must be host:port,host:port (got "${node}")`);
  });
  // The cache would quietly take the cluster and ignore the URL: an operator who set both meant one of them.
  if (redisUrl !== undefined && clusterNodes !== undefined) {
    throw new ConfigError(
      'REDIS_URL',
      'and REDIS_CLUSTER_NODES are both set: set REDIS_URL for one Redis server or REDIS_CLUSTER_NODES for a Redis Cluster, not both',
    );
  }
  const driver = oneOf(env, 'CACHE_DRIVER', CACHE_DRIVERS, undefined);
  if (driver !== undefined && driver !== 'memory' && !redisUrl && !clusterNodes) {
    throw new ConfigError('CACHE_DRIVER', `is ${driver} but neither REDIS_URL nor REDIS_CLUSTER_NODES is set`);
  }
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (databaseUrl !== undefined) requirePostgresUrl(databaseUrl);
  const nodeEnv = optional(env, 'NODE_ENV') ?? 'development';
  const jwtSecret = optional(env, 'JWT_SECRET');
  if (nodeEnv === 'production') requireProductionSecret(jwtSecret);
  return {
    nodeEnv,
    port: integer(env, 'PORT', 3000, 1, 65535),
    httpAdapter: oneOf(env, 'HTTP_ADAPTER', HTTP_ADAPTERS, 'express'),
    databasePath: optional(env, 'DATABASE_PATH') ?? './data/chat.db',
    postgres: {
      url: databaseUrl,
      poolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 10_000),
      // Two waits of this (a connection, then the statement) and a second query must fit the API's 5 s answer.
      statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 2000, 1, 3_600_000),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'log'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['text', 'json'] as const, 'text'),
    jwtSecret,
    adminToken: optional(env, 'ADMIN_TOKEN'),
    metricsToken: optional(env, 'METRICS_TOKEN'),
    // Bounded by an hour: setTimeout fires at once for delays beyond 2^31 ms, which would skip the drain.
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 3_600_000),
    cache: {
      driver,
      keyPrefix: optional(env, 'CACHE_KEY_PREFIX') ?? 'chat:',
      defaultTtlMs: integer(env, 'CACHE_TTL_MS', 300_000, 0),
      // 10 minutes, the chat's own choice: the cache module's `graceMs` defaults to 0, since a library
      // must not keep stale data unasked; the chat asks, so that reads outlive a database outage.
      graceMs: integer(env, 'CACHE_GRACE_MS', 600_000, 0),
      memory: {
        maxEntries: integer(env, 'CACHE_MAX_ENTRIES', 100_000, 1),
        maxBytes: integer(env, 'CACHE_MAX_BYTES', 67_108_864, 1),
        policy: oneOf(env, 'CACHE_POLICY', MEMORY_POLICIES, DEFAULT_MEMORY_POLICY),
      },
      redis: {
        url: redisUrl,
        clusterNodes,
        commandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', 250, 1),
      },
    },
  };
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function oneOf<T extends string, F extends T | undefined>(env: Env, name: string, allowed: readonly T[], fallback: F): T | F {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  return raw as T;
}

/** Shorter secrets can be brute-forced offline from one token: HS256 needs at least 256 bits of key. */
const MIN_PRODUCTION_SECRET_LENGTH = 32;

function requireProductionSecret(secret: string | undefined): void {
  if (secret === undefined) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production (e.g. openssl rand -base64 48)');
  if (secret.length < MIN_PRODUCTION_SECRET_LENGTH) {
    throw new ConfigError(
      'JWT_SECRET',
      `must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters when NODE_ENV=production (got ${secret.length}; e.g. openssl rand -base64 48)`,
    );
  }
}

function requireRedisUrl(url: string): void {
  // Without "scheme://", URL() would read "localhost:6379" as the scheme "localhost:": say what was given instead.
  const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? '' : `; did you mean redis://${url}?`;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || hint !== '') {
    throw new ConfigError('REDIS_URL', `must be redis://host:port or rediss://host:port (got "${withoutPassword(url)}")${hint}`);
  }
}

function requirePostgresUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') || parsed.hostname === '') {
    throw new ConfigError(
      'DATABASE_URL',
      `must be postgres://user:password@host:port/database (got "${withoutPassword(url)}"); unset it to use SQLite (DATABASE_PATH)`,
    );
  }
}

/** Boot errors end up in log files: a password in the URL must not. */
function withoutPassword(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//***@');
}

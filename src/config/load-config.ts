import type { LogLevel } from '@nestjs/common';
import type { CacheDriver } from '../cache';
import { AppConfig } from './app-config';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const CACHE_DRIVERS: CacheDriver[] = ['memory', 'redis', 'hybrid'];

/**
 * The one place that reads the environment (DESIGN.md's configuration table). Unset or empty
 * variables take their defaults; a bad value throws a ConfigError naming the variable.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const redisUrl = optional(env, 'REDIS_URL');
  if (redisUrl !== undefined) requireRedisUrl(redisUrl);
  const clusterNodes = optional(env, 'REDIS_CLUSTER_NODES')?.split(',').map((node) => node.trim());
  clusterNodes?.forEach((node) => {
    if (!/^[^\s:]+:\d{1,5}$/.test(node)) throw new ConfigError('REDIS_CLUSTER_NODES', `must be host:port,host:port (got "${node}")`);
  });
  const driver = oneOf(env, 'CACHE_DRIVER', CACHE_DRIVERS, undefined);
  if (driver !== undefined && driver !== 'memory' && !redisUrl && !clusterNodes) {
    throw new ConfigError('CACHE_DRIVER', `is ${driver} but neither REDIS_URL nor REDIS_CLUSTER_NODES is set`);
  }
  const nodeEnv = optional(env, 'NODE_ENV') ?? 'development';
  const jwtSecret = optional(env, 'JWT_SECRET');
  if (nodeEnv === 'production' && jwtSecret === undefined) {
    throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  }
  return {
    nodeEnv,
    port: integer(env, 'PORT', 3000, 1, 65535),
    databasePath: optional(env, 'DATABASE_PATH') ?? './data/chat.db',
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'log'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['text', 'json'] as const, 'text'),
    jwtSecret,
    adminToken: optional(env, 'ADMIN_TOKEN'),
    cache: {
      driver,
      keyPrefix: optional(env, 'CACHE_KEY_PREFIX') ?? 'chat:',
      defaultTtlMs: integer(env, 'CACHE_TTL_MS', 300_000, 0),
      memory: {
        maxEntries: integer(env, 'CACHE_MAX_ENTRIES', 100_000, 1),
        maxBytes: integer(env, 'CACHE_MAX_BYTES', 67_108_864, 1),
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

function requireRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('REDIS_URL', 'must be a URL such as redis://localhost:6379');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError('REDIS_URL', `must start with redis:// or rediss:// (got "${parsed.protocol}//")`);
  }
}

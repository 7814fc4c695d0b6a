import { randomUUID } from 'node:crypto';
import { CacheLock, ChatCacheOptions, ResolvedChatCacheOptions } from './chat-cache.options';
import { INVALIDATION_MESSAGE_LIMITS } from './invalidation/invalidation-message-limits';
import { assertLock } from './util/load-options';
import { MEMORY_POLICIES, type MemoryPolicy } from './stores/memory.store';

export const DEFAULT_KEY_PREFIX = 'chat:';
export const DEFAULT_TTL_MS = 300_000;
export const DEFAULT_MAX_ENTRIES = 100_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
export const DEFAULT_SWEEP_INTERVAL_MS = 1_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 250;
export const DEFAULT_CIRCUIT_FAILURE_THRESHOLD = 5;
export const DEFAULT_CIRCUIT_OPEN_MS = 2_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;
/** Off: an entry goes at its TTL unless grace is asked for. */
export const DEFAULT_GRACE_MS = 0;
/**
 * 10 s: a source that just failed is asked again at most every 10 s per key (bentocache's
 * graceBackoff and FusionCache's FailSafeThrottleDuration default to 10 s and 30 s), short enough
 * that a recovered source is used again soon.
 */
export const DEFAULT_FAIL_SAFE_THROTTLE_MS = 10_000;
export const DEFAULT_JITTER_MS = 0;
/**
 * L1's policy when the options do not say. 'lru' until the bench shows tinylfu at least as fast as
 * lru-cache on hits and sets (scenarios 1 and 2) and never more than 1 point below LRU's hit ratio
 * on a recency-heavy trace (scenario 3), the bar issue 12 set for making it the default.
 */
export const DEFAULT_MEMORY_POLICY: MemoryPolicy = 'lru';

/**
 * getOrSet's `lock` when Redis is configured and neither the module nor the call says: 'process',
 * because the miss-path benchmark says the lease costs more than it saves as a default. It costs
 * every cold miss three more Redis round trips and an awaited L2 write (`npm run bench -- --only
 * 11`, two runs on 2026-12-01/02: a miss kept 0.52-0.68x of its throughput with 1 call in flight,
 * 0.25-0.63x with 50), and it saves a factory call only when several instances miss the same key
 * at once (`--only 10`: 4 processes x 50 callers, 1 factory call instead of 4, slowest caller
 * 1.05-1.19x of lock 'process'). Most misses meet no
 * other instance, so a cluster-wide default would tax them all; hot keys, where instances do meet,
 * ask for `lock: 'cluster'` per call (or the module sets `lock: 'cluster'`).
 */
export const DEFAULT_LOCK_WITH_REDIS: CacheLock = 'process';

/**
 * Fills in every default and rejects impossible combinations at boot, so that a typo
 * stops the application instead of silently caching nothing.
 */
export function resolveChatCacheOptions(options: ChatCacheOptions = {}): ResolvedChatCacheOptions {
  const redisConfigured = Boolean(options.redis?.url || options.redis?.clusterNodes?.length);
  const driver = options.driver ?? (redisConfigured ? 'hybrid' : 'memory');
  if (!['memory', 'redis', 'hybrid'].includes(driver)) {
    throw new Error(`ChatCacheModule: driver must be memory, redis or hybrid (got "${driver}")`);
  }
  if (driver !== 'memory' && !redisConfigured) {
    throw new Error(`ChatCacheModule: driver "${driver}" needs redis.url or redis.clusterNodes`);
  }
  assertLock(options.lock, 'ChatCacheModule');
  const policy = options.memory?.policy ?? DEFAULT_MEMORY_POLICY;
  if (!MEMORY_POLICIES.includes(policy)) {
    throw new Error(`ChatCacheModule: memory.policy must be lru or tinylfu (got "${String(policy)}")`);
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0) {
    throw new Error('ChatCacheModule: keyPrefix must be a non-empty string');
  }
  const resolved: ResolvedChatCacheOptions = {
    driver,
    keyPrefix,
    defaultTtlMs: options.defaultTtlMs ?? DEFAULT_TTL_MS,
    memory: {
      maxEntries: options.memory?.maxEntries ?? DEFAULT_MAX_ENTRIES,
      maxBytes: options.memory?.maxBytes ?? DEFAULT_MAX_BYTES,
      maxEntryBytes: options.memory?.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
      sweepIntervalMs: options.memory?.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
      policy,
    },
    redis: {
      url: options.redis?.url || undefined,
      clusterNodes: options.redis?.clusterNodes?.length ? options.redis.clusterNodes : undefined,
      commandTimeoutMs: options.redis?.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      circuitFailureThreshold: options.redis?.circuitFailureThreshold ?? DEFAULT_CIRCUIT_FAILURE_THRESHOLD,
      circuitOpenMs: options.redis?.circuitOpenMs ?? DEFAULT_CIRCUIT_OPEN_MS,
      connectTimeoutMs: options.redis?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    },
    instanceId: options.instanceId ?? randomUUID(),
    graceMs: options.graceMs ?? DEFAULT_GRACE_MS,
    failSafeThrottleMs: options.failSafeThrottleMs ?? DEFAULT_FAIL_SAFE_THROTTLE_MS,
    jitterMs: options.jitterMs ?? DEFAULT_JITTER_MS,
    // Without Redis there is no other instance to share a load with.
    lock: driver === 'memory' ? 'process' : (options.lock ?? DEFAULT_LOCK_WITH_REDIS),
  };
  requireNonNegativeInteger('defaultTtlMs', resolved.defaultTtlMs);
  requirePositiveInteger('memory.maxEntries', resolved.memory.maxEntries);
  requirePositiveInteger('memory.maxBytes', resolved.memory.maxBytes);
  requirePositiveInteger('memory.maxEntryBytes', resolved.memory.maxEntryBytes);
  requirePositiveInteger('memory.sweepIntervalMs', resolved.memory.sweepIntervalMs);
  requirePositiveInteger('redis.commandTimeoutMs', resolved.redis.commandTimeoutMs);
  requirePositiveInteger('redis.circuitFailureThreshold', resolved.redis.circuitFailureThreshold);
  requirePositiveInteger('redis.circuitOpenMs', resolved.redis.circuitOpenMs);
  requirePositiveInteger('redis.connectTimeoutMs', resolved.redis.connectTimeoutMs);
  requireNonNegativeInteger('graceMs', resolved.graceMs);
  requireNonNegativeInteger('failSafeThrottleMs', resolved.failSafeThrottleMs);
  requireNonNegativeInteger('jitterMs', resolved.jitterMs);
  const { instanceId } = resolved;
  if (typeof instanceId !== 'string' || instanceId.length === 0 || instanceId.length > INVALIDATION_MESSAGE_LIMITS.maxInstanceChars) {
    // Other instances would refuse its bus messages as malformed, and keep stale copies.
    throw new Error(
      `ChatCacheModule: instanceId must be a non-empty string of at most ${INVALIDATION_MESSAGE_LIMITS.maxInstanceChars} characters`,
    );
  }
  return resolved;
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`ChatCacheModule: ${name} must be a positive integer (got ${value})`);
  }
}

function requireNonNegativeInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`ChatCacheModule: ${name} must be a non-negative integer (got ${value})`);
  }
}

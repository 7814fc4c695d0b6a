import { hash } from 'node:crypto';

/** Span names: the getOrSet call, and one per call to Redis (`chat-cache redis get`, `... set`, ...). */
export const GET_OR_SET_SPAN = 'chat-cache getOrSet';
export const REDIS_SPAN_PREFIX = 'chat-cache redis ';

/** The attributes of the cache's spans (README: Tracing). */
export const ATTR = {
  /** 16 hex digits of the key's SHA-256, never the key: keys carry user and session ids. */
  keyHash: 'chat_cache.key_hash',
  /** memory | redis | factory: the tier that answered. */
  tier: 'chat_cache.tier',
  /** hit | miss | stale. */
  outcome: 'chat_cache.outcome',
  factoryDurationMs: 'chat_cache.factory.duration_ms',
  /** This call joined a load in progress for its key (single-flight) instead of loading. */
  joined: 'chat_cache.single_flight.joined',
  /** For the cluster lease: whether the load waited for another instance's lease, and how long. */
  lockWaited: 'chat_cache.lock.waited',
  lockWaitMs: 'chat_cache.lock.wait_ms',
  /** On a Redis span: get | set | delete | snapshot-tags | invalidate-tags | delete-pattern | publish. */
  redisOperation: 'chat_cache.redis.operation',
  /** On a Redis span: ok | error | timeout | rejected (circuit open, Redis not called). */
  redisOutcome: 'chat_cache.redis.outcome',
} as const;

/** Event on the getOrSet span for a Redis failure the tier absorbed (a miss, a journaled write). */
export const REDIS_FAILURE_ABSORBED_EVENT = 'chat-cache redis failure absorbed';

export type AnsweringTier = 'memory' | 'redis' | 'factory';
export type LoadOutcome = 'hit' | 'miss' | 'stale';

const KEY_HASH_HEX_DIGITS = 16;

/**
 * What a span says of the key: a hash, so that the spans of one key can be grouped without the key
 * reaching the trace store. Not anonymous: a key built from a guessable id can be found by hashing
 * guesses.
 */
export function keyHash(key: string): string {
  return hash('sha256', key, 'hex').slice(0, KEY_HASH_HEX_DIGITS);
}

import type { CacheStats } from '../../cache';

type Labels = Record<string, string>;
export type Sample = readonly [labels: Labels, value: number];

/** Cache failures that calls went on without; they come from the decorators and the HTTP cache, not from `stats()`. */
export interface AbsorbedErrors {
  cachedMethods: number;
  httpCache: number;
}

/** A Prometheus metric read from `CacheService.stats()` at scrape time. */
export interface CacheStatMetric {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  labelNames: readonly string[];
  /** Left out of a cache without Redis (or without a bus: the `redis` driver has no L1 to keep coherent). */
  requires?: 'redis' | 'bus';
  read(stats: CacheStats, absorbed: AbsorbedErrors): Sample[];
}

const tiers = (stats: CacheStats) =>
  [
    ['memory', stats.memory],
    ['redis', stats.redis],
  ] as const;

/** One sample per tier that is in use, for a counter both tiers keep. */
function perTier(field: 'hits' | 'misses' | 'sets' | 'deletes' | 'tagInvalidations' | 'oversized') {
  return (stats: CacheStats): Sample[] => tiers(stats).flatMap(([tier, s]) => (s ? [[{ tier }, s[field]] as const] : []));
}

function memoryOnly(read: (memory: NonNullable<CacheStats['memory']>) => number) {
  return (stats: CacheStats): Sample[] => (stats.memory ? [[{ tier: 'memory' }, read(stats.memory)]] : []);
}

function redisOnly(read: (redis: NonNullable<CacheStats['redis']>) => Sample[]) {
  return (stats: CacheStats): Sample[] => (stats.redis ? read(stats.redis) : []);
}

function busOnly(read: (bus: NonNullable<CacheStats['bus']>) => Sample[]) {
  return (stats: CacheStats): Sample[] => (stats.bus ? read(stats.bus) : []);
}

const one = (value: number): Sample[] => [[{}, value]];
const flag = (on: boolean) => (on ? 1 : 0);

/**
 * Everything `stats()` counts, as Prometheus names it (`_total` counters, plain gauges). Not its
 * hit ratios: they are since the start of the process, so a drop an hour ago hardly moves them;
 * docs/operations.md gives the PromQL for a ratio over a window, from the counters.
 */
export const CACHE_STAT_METRICS: CacheStatMetric[] = [
  {
    name: 'chat_cache_requests_total',
    help: 'Cache lookups (get and getOrSet), by result: hit in a tier, or miss',
    type: 'counter',
    labelNames: ['result'],
    read: (s) => [
      [{ result: 'hit' }, s.hits],
      [{ result: 'miss' }, s.misses],
    ],
  },
  { name: 'chat_cache_tier_hits_total', help: 'Hits, by tier', type: 'counter', labelNames: ['tier'], read: perTier('hits') },
  { name: 'chat_cache_tier_misses_total', help: 'Misses, by tier', type: 'counter', labelNames: ['tier'], read: perTier('misses') },
  { name: 'chat_cache_tier_sets_total', help: 'Values stored, by tier', type: 'counter', labelNames: ['tier'], read: perTier('sets') },
  {
    name: 'chat_cache_tier_deletes_total',
    help: 'Entries deleted, by tier',
    type: 'counter',
    labelNames: ['tier'],
    read: perTier('deletes'),
  },
  {
    name: 'chat_cache_tier_stale_tag_entries_total',
    help: 'Entries found stale because one of their tags was invalidated after their load began, by tier',
    type: 'counter',
    labelNames: ['tier'],
    read: perTier('tagInvalidations'),
  },
  {
    name: 'chat_cache_evictions_total',
    help: 'Entries evicted to stay within the bounds',
    type: 'counter',
    labelNames: ['tier'],
    read: memoryOnly((m) => m.evictions),
  },
  {
    name: 'chat_cache_expirations_total',
    help: 'Entries dropped because their TTL passed',
    type: 'counter',
    labelNames: ['tier'],
    read: memoryOnly((m) => m.expirations),
  },
  {
    name: 'chat_cache_oversized_total',
    help: 'Values kept in neither tier because they exceed maxEntryBytes, by the tier that measured them (memory: heap estimate, redis: encoded bytes)',
    type: 'counter',
    labelNames: ['tier'],
    read: perTier('oversized'),
  },
  { name: 'chat_cache_entries', help: 'Entries held', type: 'gauge', labelNames: ['tier'], read: memoryOnly((m) => m.entries) },
  { name: 'chat_cache_bytes', help: 'Estimated bytes held', type: 'gauge', labelNames: ['tier'], read: memoryOnly((m) => m.bytes) },
  { name: 'chat_cache_max_entries', help: 'Bound on entries', type: 'gauge', labelNames: ['tier'], read: memoryOnly((m) => m.maxEntries) },
  {
    name: 'chat_cache_max_bytes',
    help: 'Bound on estimated bytes',
    type: 'gauge',
    labelNames: ['tier'],
    read: memoryOnly((m) => m.maxBytes),
  },
  {
    name: 'chat_cache_redis_errors_total',
    help: 'Redis calls that failed, by kind: error, timeout, or rejected by the open circuit',
    type: 'counter',
    labelNames: ['kind'],
    requires: 'redis',
    read: redisOnly((r) => [
      [{ kind: 'error' }, r.errors],
      [{ kind: 'timeout' }, r.timeouts],
      [{ kind: 'rejected' }, r.rejections],
    ]),
  },
  {
    name: 'chat_cache_redis_decode_errors_total',
    help: 'Values under our prefix that were not ours to decode (another client, corruption): misses, removed, not Redis failures',
    type: 'counter',
    labelNames: [],
    requires: 'redis',
    read: redisOnly((r) => one(r.decodeErrors)),
  },
  {
    name: 'chat_cache_redis_failures_absorbed_total',
    help: 'Redis failures turned into misses or later repairs instead of errors',
    type: 'counter',
    labelNames: [],
    requires: 'redis',
    read: redisOnly((r) => one(r.failuresAbsorbed)),
  },
  {
    name: 'chat_cache_redis_connected',
    help: '1 while connected to Redis',
    type: 'gauge',
    labelNames: [],
    requires: 'redis',
    read: redisOnly((r) => one(flag(r.connected))),
  },
  {
    name: 'chat_cache_redis_circuit_state',
    help: 'Circuit breaker state in front of Redis: 1 for the current state',
    type: 'gauge',
    labelNames: ['state'],
    requires: 'redis',
    read: redisOnly((r) => (['closed', 'open', 'half-open'] as const).map((state) => [{ state }, flag(r.circuit === state)] as const)),
  },
  {
    name: 'chat_cache_redis_repairs_pending',
    help: '1 while writes Redis missed wait to be replayed (Redis is not read meanwhile)',
    type: 'gauge',
    labelNames: [],
    requires: 'redis',
    read: redisOnly((r) => one(flag(r.repairsPending))),
  },
  {
    name: 'chat_cache_redis_repairs_applied_total',
    help: 'Replays of writes Redis missed',
    type: 'counter',
    labelNames: [],
    requires: 'redis',
    read: redisOnly((r) => one(r.repairsApplied)),
  },
  {
    name: 'chat_cache_bus_messages_total',
    help: 'Invalidation bus messages, by direction (received counts other instances only)',
    type: 'counter',
    labelNames: ['direction'],
    requires: 'bus',
    read: busOnly((b) => [
      [{ direction: 'sent' }, b.sent],
      [{ direction: 'received' }, b.received],
    ]),
  },
  {
    name: 'chat_cache_bus_publish_errors_total',
    help: 'Invalidation messages that could not be published',
    type: 'counter',
    labelNames: [],
    requires: 'bus',
    read: busOnly((b) => one(b.publishErrors)),
  },
  {
    name: 'chat_cache_bus_malformed_total',
    help: 'Messages on the bus channel that were not ours to read',
    type: 'counter',
    labelNames: [],
    requires: 'bus',
    read: busOnly((b) => one(b.malformed)),
  },
  {
    name: 'chat_cache_bus_subscribed',
    help: '1 while subscribed to the invalidation bus',
    type: 'gauge',
    labelNames: [],
    requires: 'bus',
    read: busOnly((b) => one(flag(b.subscribed))),
  },
  {
    name: 'chat_cache_bus_last_message_age_seconds',
    help: 'Time since the last message from another instance (absent until one arrives)',
    type: 'gauge',
    labelNames: [],
    requires: 'bus',
    read: busOnly((b) => (b.lastMessageAgeMs === null ? [] : one(b.lastMessageAgeMs / 1000))),
  },
  {
    name: 'chat_cache_single_flight_joins_total',
    help: 'Callers that joined a load already in flight',
    type: 'counter',
    labelNames: [],
    read: (s) => one(s.singleFlight.joins),
  },
  {
    name: 'chat_cache_single_flight_in_flight',
    help: 'Loads in flight',
    type: 'gauge',
    labelNames: [],
    read: (s) => one(s.singleFlight.inFlight),
  },
  {
    name: 'chat_cache_invalidated_loads_total',
    help: 'Loads overtaken by an invalidation of their key: served, not cached',
    type: 'counter',
    labelNames: [],
    read: (s) => one(s.singleFlight.invalidatedLoads),
  },
  {
    name: 'chat_cache_factory_calls_total',
    help: 'Factory (loader) calls on misses',
    type: 'counter',
    labelNames: [],
    read: (s) => one(s.factory.calls),
  },
  {
    name: 'chat_cache_factory_errors_total',
    help: 'Factory calls that failed (an HTTP 4xx the factory threw, such as a NotFound, is its answer, not counted)',
    type: 'counter',
    labelNames: [],
    read: (s) => one(s.factory.errors),
  },
  {
    name: 'chat_cache_factory_uncacheable_total',
    help: 'Factory results served but not cached because no tier can hold them (a function, a symbol)',
    type: 'counter',
    labelNames: [],
    read: (s) => one(s.factory.uncacheable),
  },
  {
    name: 'chat_cache_listener_errors_total',
    help: 'onInvalidate listeners that threw',
    type: 'counter',
    labelNames: [],
    read: (s) => one(s.listenerErrors),
  },
  {
    name: 'chat_cache_absorbed_errors_total',
    help: 'Cache failures that calls went on without, by source: @Cacheable methods, or the HTTP cache',
    type: 'counter',
    labelNames: ['source'],
    read: (_s, absorbed) => [
      [{ source: 'cached-method' }, absorbed.cachedMethods],
      [{ source: 'http-cache' }, absorbed.httpCache],
    ],
  },
];

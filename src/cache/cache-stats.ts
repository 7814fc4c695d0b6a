import type { CacheDriver } from './chat-cache.options';
import type { InvalidationBusStats } from './invalidation/invalidation-bus';
import type { MemoryStoreStats } from './stores/memory.store';
import type { GuardedRedisStats } from './tiers/guarded-redis';

/** What `CacheService.stats()` reports: totals, then each tier. Ratios are 0..1. */
export interface CacheStats {
  driver: CacheDriver;
  instanceId: string;
  /** Calls of get and getOrSet. */
  gets: number;
  /** Lookups answered by a tier (L1 or L2); a caller that joined another's load counts in `singleFlight.joins`. */
  hits: number;
  misses: number;
  hitRatio: number;
  /** Answers served stale from grace (a failing, throttled or slow factory), counted among the misses. */
  stale: number;
  memory: (MemoryStoreStats & { hitRatio: number }) | null;
  redis:
    | (GuardedRedisStats & {
        hitRatio: number;
        /** Redis failures turned into misses or repairs instead of errors. */
        failuresAbsorbed: number;
        repairsPending: boolean;
        repairsApplied: number;
      })
    | null;
  bus: (InvalidationBusStats & { lastMessageAgeMs: number | null }) | null;
  singleFlight: {
    joins: number;
    inFlight: number;
    /** Loads overtaken by an invalidation of their key: served to their callers, not cached (they may be stale). */
    invalidatedLoads: number;
  };
  factory: {
    calls: number;
    errors: number;
    /** Factory results served but not cached because no tier can hold them (a function, a symbol). */
    uncacheable: number;
    /** Factory failures and timeouts answered with the stale value (fail-safe) instead of an error or a wait. */
    staleServed: number;
    /** Factories that ran past a soft or hard timeout (each finished in the background). */
    timeouts: number;
  };
  /** Background reloads started by `eagerRefresh` (a hit past r x TTL), and those that failed (logged; no caller saw them). */
  eagerRefresh: { started: number; errors: number };
  listenerErrors: number;
}

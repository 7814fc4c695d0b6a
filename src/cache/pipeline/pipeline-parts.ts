import type { LocalTier } from '../tiers/local-tier';
import type { SharedTier } from '../tiers/shared-tier';
import type { CacheCounters } from './cache-counters';
import type { FactoryRunner } from './factory-run';
import type { InFlightLoads } from './in-flight-loads';
import type { LoadSnapshots } from './load-snapshot';
import type { WriteStep } from './write-step';

/**
 * What the read, load and refresh steps of one CacheService share: its two tiers, the snapshots a
 * load takes, the factory runner, the write step, the in-flight loads and the counters. One value,
 * so that a step's constructor names only what is its own.
 */
export interface PipelineParts {
  readonly local: LocalTier;
  readonly shared: SharedTier;
  readonly snapshots: LoadSnapshots;
  readonly factories: FactoryRunner;
  readonly writes: WriteStep;
  readonly flights: InFlightLoads;
  readonly counters: CacheCounters;
}

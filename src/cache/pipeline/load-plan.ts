import { assertTags } from '../util/keys';
import { type EntryLifetime, resolveGraceMs } from '../util/entry-lifetime';
import { jitteredTtlMs } from '../util/ttl-jitter';
import { resolveTtlMs } from '../util/ttl';

/** What a caller may say about an entry (set, getOrSet, refresh), before the module's defaults. */
export interface EntryOptions {
  ttlMs?: number;
  tags?: readonly string[];
  graceMs?: number;
  jitterMs?: number;
}

/** What a caller may say about a load (getOrSet), before the module's defaults. */
export interface LoadOptions extends EntryOptions {
  softTimeoutMs?: number;
  hardTimeoutMs?: number;
  failSafeThrottleMs?: number;
}

/** The module's defaults for what a call leaves out. */
export interface EntryDefaults {
  defaultTtlMs: number;
  graceMs: number;
  jitterMs: number;
  failSafeThrottleMs: number;
}

/** An entry's options, checked, with the module's defaults. `ttlMs` is before jitter. */
export interface EntryPlan {
  ttlMs: number;
  graceMs: number;
  jitterMs: number;
  tags: readonly string[];
}

/** A load's options, checked, with the module's defaults; timeouts undefined when none was asked for. */
export interface LoadPlan extends EntryPlan {
  softTimeoutMs: number | undefined;
  hardTimeoutMs: number | undefined;
  failSafeThrottleMs: number;
}

const NO_TAGS: readonly string[] = [];

/** Checks an entry's options (a RangeError or TypeError names the bad one) and fills in the defaults. */
export function resolveEntryPlan(options: EntryOptions, defaults: EntryDefaults): EntryPlan {
  const ttlMs = resolveTtlMs(options.ttlMs, defaults.defaultTtlMs);
  const graceMs = options.graceMs === undefined ? defaults.graceMs : resolveGraceMs(options.graceMs);
  const jitterMs = options.jitterMs === undefined ? defaults.jitterMs : resolveDurationMs('jitterMs', options.jitterMs);
  const tags = options.tags ?? NO_TAGS;
  assertTags(tags);
  return { ttlMs, graceMs, jitterMs, tags };
}

export function resolveLoadPlan(options: LoadOptions, defaults: EntryDefaults): LoadPlan {
  return {
    ...resolveEntryPlan(options, defaults),
    softTimeoutMs: resolveTimeoutMs('softTimeoutMs', options.softTimeoutMs),
    hardTimeoutMs: resolveTimeoutMs('hardTimeoutMs', options.hardTimeoutMs),
    failSafeThrottleMs:
      options.failSafeThrottleMs === undefined
        ? defaults.failSafeThrottleMs
        : resolveDurationMs('failSafeThrottleMs', options.failSafeThrottleMs),
  };
}

/**
 * The lifetime to store an entry with: its TTL spread by the jitter, and its grace. A plain number
 * without grace, the common case, which the stores resolve without allocating.
 */
export function lifetimeOf(plan: Pick<EntryPlan, 'graceMs' | 'jitterMs'>, ttlMs: number): number | EntryLifetime {
  const jittered = jitteredTtlMs(ttlMs, plan.jitterMs);
  return plan.graceMs > 0 && jittered > 0 ? { ttlMs: jittered, graceMs: plan.graceMs } : jittered;
}

/** The longest lifetime `lifetimeOf` can give an entry of `ttlMs`: a load's tag versions must outlive it. */
export function longestLifetimeOf(plan: Pick<EntryPlan, 'graceMs' | 'jitterMs'>, ttlMs: number): number | EntryLifetime {
  const longest = ttlMs === 0 ? 0 : ttlMs + plan.jitterMs;
  return plan.graceMs > 0 && longest > 0 ? { ttlMs: longest, graceMs: plan.graceMs } : longest;
}

function resolveDurationMs(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0 (got ${String(value)})`);
  }
  return Math.ceil(value);
}

/** A timeout is a positive duration; undefined (none) when omitted. */
function resolveTimeoutMs(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0 (got ${String(value)})`);
  }
  return Math.ceil(value);
}

import type { CacheLock } from '../chat-cache.options';

const LOCKS: readonly CacheLock[] = ['process', 'cluster'];

/** Checks `eagerRefresh` (0 < r < 1): a typo there would silently never refresh, or refresh on every hit. */
export function assertEagerRefresh(ratio: unknown, where: string): asserts ratio is number | undefined {
  if (ratio === undefined) return;
  if (typeof ratio !== 'number' || !(ratio > 0 && ratio < 1)) {
    throw new RangeError(`${where}: eagerRefresh must be a number between 0 and 1, both excluded (got ${String(ratio)})`);
  }
}

/** Checks `lock` ('process' or 'cluster'). */
export function assertLock(lock: unknown, where: string): asserts lock is CacheLock | undefined {
  if (lock === undefined) return;
  if (!LOCKS.includes(lock as CacheLock)) {
    throw new TypeError(`${where}: lock must be 'process' or 'cluster' (got ${JSON.stringify(lock)})`);
  }
}

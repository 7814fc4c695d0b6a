import type { ClusterLease } from './cluster-lease';

/** What a cluster-wide load does besides taking the lease; both steps are the cache's own. */
export interface LeasedLoadSteps<T> {
  /** The value another instance stored meanwhile (the L2 read), `undefined` if none. */
  readLanded(): Promise<T | undefined>;
  /** Calls the factory and stores its value in L2, resolving once L2 has it: waiters read it on release. */
  loadAndStore(): Promise<T>;
}

/**
 * One factory call per key across the cluster, run inside the process's single-flight (so one
 * caller per instance gets here). The holder of the lease loads; an instance that finds the lease
 * taken waits for its release, then reads what the holder stored. Whatever goes wrong with the lease
 * ends in `loadAndStore`, never in an error of the lease's own:
 * - Redis unavailable: load at once (the process single-flight still holds);
 * - the holder failed (released without a value): try to take the lease, until `waitMs` is spent;
 * - `waitMs` spent (a holder slower than that, or dead before its lease expired): load.
 */
export async function loadUnderLease<T>(lease: ClusterLease, key: string, steps: LeasedLoadSteps<T>): Promise<T> {
  const deadline = Date.now() + lease.waitMs;
  for (;;) {
    const attempt = await lease.acquire(key);
    if (attempt.outcome === 'unavailable') return steps.loadAndStore();
    if (attempt.outcome === 'acquired') {
      try {
        // A holder may have stored the value and released between our L2 miss and our SET NX.
        const landed = await steps.readLanded();
        return landed !== undefined ? landed : await steps.loadAndStore();
      } finally {
        // After the store: a woken waiter must find the value.
        await attempt.lease.release();
      }
    }
    const waited = await lease.waitForRelease(key, { waitMs: deadline - Date.now() });
    if (waited !== 'released') return steps.loadAndStore();
    const landed = await steps.readLanded();
    if (landed !== undefined) return landed;
  }
}

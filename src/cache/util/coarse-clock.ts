let cachedNowMs = 0;

function forgetCachedNow(): void {
  cachedNowMs = 0;
}

/**
 * Wall-clock milliseconds, read at most once per millisecond: a cache hit path that checks TTLs
 * would otherwise pay for a clock read on every call. The cached reading is dropped by an
 * unref'd 1 ms timer, the same trade lru-cache makes with its `ttlResolution`.
 */
export function coarseNowMs(): number {
  if (cachedNowMs === 0) {
    cachedNowMs = Date.now();
    setTimeout(forgetCachedNow, 1).unref();
  }
  return cachedNowMs;
}

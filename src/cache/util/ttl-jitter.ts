/**
 * `ttlMs` plus a uniform share of `[0, jitterMs)`, so that entries set together (a page of sessions,
 * a warm-up) do not all expire in the same instant and send their reloads to the database at once.
 * An entry that never expires (`ttlMs` 0) stays so. `random` answers in [0, 1), as Math.random.
 */
export function jitteredTtlMs(ttlMs: number, jitterMs: number, random: () => number = Math.random): number {
  if (typeof jitterMs !== 'number' || !Number.isFinite(jitterMs) || jitterMs < 0) {
    throw new RangeError(`jitterMs must be a finite number >= 0 (got ${String(jitterMs)})`);
  }
  if (ttlMs === 0 || jitterMs === 0) return ttlMs;
  // Clamped below jitterMs: a random source that answers 1 must not reach the excluded end.
  return ttlMs + Math.min(Math.floor(random() * jitterMs), Math.ceil(jitterMs) - 1);
}

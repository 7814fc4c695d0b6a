/** `ttlMs` when given, else `defaultTtlMs`; 0 means no expiry. Rejects what is not a duration. */
export function resolveTtlMs(ttlMs: number | undefined, defaultTtlMs: number): number {
  if (ttlMs === undefined) return defaultTtlMs;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) {
    throw new RangeError(`ttlMs must be a finite number >= 0 (got ${String(ttlMs)})`);
  }
  return Math.ceil(ttlMs);
}

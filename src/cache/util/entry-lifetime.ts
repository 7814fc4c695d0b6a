import { resolveTtlMs } from './ttl';

/**
 * The lifetime a new value is set for: fresh for `ttlMs`, then kept `graceMs` longer as a stale
 * fallback that only a read asking for one (`allowStale`) answers.
 */
export interface EntryLifetime {
  /** The store's default TTL when omitted; 0 means no expiry (and then no grace either). */
  ttlMs?: number;
  /** 0 (the default) drops the entry at its expiry, as a plain TTL does. */
  graceMs?: number;
}

/**
 * An entry's lifetime as a store holds it, on the entries both stores return. Passed to `set` in
 * place of an `EntryLifetime` (the entry itself will do), it copies an entry to another tier with
 * its own clock: fresh until the same instant, kept as long past it, due for refresh at the same age.
 */
export interface StoredLifetime {
  /** Epoch ms the entry is fresh until, 0 for never. */
  expiresAt: number;
  /**
   * The TTL the entry was stored with, so that it was stored at `expiresAt - ttlMs`; 0 when it never
   * expires, or when a Redis record written before TTLs were recorded does not say (no refresh age).
   */
  ttlMs: number;
  /** How long past `expiresAt` the entry is kept, stale; 0 for none. */
  graceMs: number;
}

/** `graceMs` when given, else 0. Rejects what is not a duration, as `resolveTtlMs` does. */
export function resolveGraceMs(graceMs: number | undefined): number {
  if (graceMs === undefined) return 0;
  if (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0) {
    throw new RangeError(`graceMs must be a finite number >= 0 (got ${String(graceMs)})`);
  }
  return Math.ceil(graceMs);
}

/**
 * The stored lifetime of a `set` made at `nowMs`, from a TTL (the old positional argument), an
 * `EntryLifetime` or a `StoredLifetime` being copied. An entry that never expires has no grace.
 */
export function resolveLifetime(
  lifetime: number | EntryLifetime | StoredLifetime | undefined,
  defaultTtlMs: number,
  nowMs: number,
): StoredLifetime {
  if (lifetime === undefined || typeof lifetime === 'number') {
    const ttlMs = resolveTtlMs(lifetime, defaultTtlMs);
    return { expiresAt: ttlMs === 0 ? 0 : nowMs + ttlMs, ttlMs, graceMs: 0 };
  }
  if (isStoredLifetime(lifetime)) return checkedCopy(lifetime);
  const ttlMs = resolveTtlMs(lifetime.ttlMs, defaultTtlMs);
  if (ttlMs === 0) return { expiresAt: 0, ttlMs: 0, graceMs: 0 };
  return { expiresAt: nowMs + ttlMs, ttlMs, graceMs: resolveGraceMs(lifetime.graceMs) };
}

/** Epoch ms until which an entry is kept at all: its expiry plus its grace, 0 for never. */
export function keptUntil(lifetime: StoredLifetime): number {
  return lifetime.expiresAt === 0 ? 0 : lifetime.expiresAt + lifetime.graceMs;
}

/** How long from `nowMs` a store keeps the entry (PX): 0 for never, 0 or less for one already over. */
export function keptForMs(lifetime: StoredLifetime, nowMs: number): number {
  return lifetime.expiresAt === 0 ? 0 : keptUntil(lifetime) - nowMs;
}

/**
 * Whether an entry is past `ratio` of its TTL at `nowMs` (eager refresh: a hit after r x TTL
 * refreshes in the background). False for an entry without a recorded TTL, and for a ratio
 * outside (0, 1), which asks for no refresh.
 */
export function isPastRefreshAge(lifetime: StoredLifetime, ratio: number, nowMs: number): boolean {
  if (lifetime.ttlMs === 0 || lifetime.expiresAt === 0 || !(ratio > 0 && ratio < 1)) return false;
  return nowMs >= lifetime.expiresAt - lifetime.ttlMs * (1 - ratio);
}

function isStoredLifetime(lifetime: EntryLifetime | StoredLifetime): lifetime is StoredLifetime {
  return (lifetime as Partial<StoredLifetime>).expiresAt !== undefined;
}

/** A copied lifetime may come from Redis through an entry: it is checked as input. */
function checkedCopy(lifetime: StoredLifetime): StoredLifetime {
  const { expiresAt } = lifetime;
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) {
    throw new RangeError(`expiresAt must be an epoch millisecond >= 0 (got ${String(expiresAt)})`);
  }
  const ttlMs = resolveTtlMs(lifetime.ttlMs, 0);
  if (expiresAt === 0) return { expiresAt: 0, ttlMs: 0, graceMs: 0 };
  return { expiresAt, ttlMs, graceMs: resolveGraceMs(lifetime.graceMs) };
}

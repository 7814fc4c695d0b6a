import { isPastRefreshAge, keptForMs, keptUntil, resolveGraceMs, resolveLifetime } from './entry-lifetime';

describe('entry lifetimes', () => {
  const NOW = 1_000_000;

  describe('resolveLifetime', () => {
    it('a plain TTL, or none (the default), has no grace', () => {
      expect(resolveLifetime(100, 300, NOW)).toEqual({ expiresAt: NOW + 100, ttlMs: 100, graceMs: 0 });
      expect(resolveLifetime(undefined, 300, NOW)).toEqual({ expiresAt: NOW + 300, ttlMs: 300, graceMs: 0 });
    });

    it('a lifetime with grace is fresh for its TTL and kept for TTL + grace', () => {
      const lifetime = resolveLifetime({ ttlMs: 100, graceMs: 50 }, 300, NOW);
      expect(lifetime).toEqual({ expiresAt: NOW + 100, ttlMs: 100, graceMs: 50 });
      expect(keptUntil(lifetime)).toBe(NOW + 150);
      expect(keptForMs(lifetime, NOW)).toBe(150);
    });

    it('a lifetime that never expires has no grace and is kept for ever', () => {
      const lifetime = resolveLifetime({ ttlMs: 0, graceMs: 50 }, 300, NOW);
      expect(lifetime).toEqual({ expiresAt: 0, ttlMs: 0, graceMs: 0 });
      expect(keptUntil(lifetime)).toBe(0);
      expect(keptForMs(lifetime, NOW)).toBe(0);
    });

    it('a stored lifetime is copied as it is, whatever the clock', () => {
      expect(resolveLifetime({ expiresAt: 5, ttlMs: 100, graceMs: 50 }, 300, NOW)).toEqual({ expiresAt: 5, ttlMs: 100, graceMs: 50 });
      expect(keptForMs({ expiresAt: 5, ttlMs: 100, graceMs: 50 }, NOW)).toBeLessThan(0);
    });

    it('rounds fractional durations up, as TTLs are', () => {
      expect(resolveLifetime({ ttlMs: 1.2, graceMs: 0.3 }, 0, NOW)).toEqual({ expiresAt: NOW + 2, ttlMs: 2, graceMs: 1 });
    });

    it.each([-1, NaN, Infinity, '5' as unknown as number])('rejects graceMs %p', (graceMs) => {
      expect(() => resolveGraceMs(graceMs)).toThrow(RangeError);
      expect(() => resolveLifetime({ ttlMs: 100, graceMs }, 0, NOW)).toThrow(RangeError);
    });
  });

  describe('isPastRefreshAge', () => {
    const entry = { expiresAt: NOW + 1_000, ttlMs: 1_000, graceMs: 0 }; // stored at NOW

    it('is true from ratio x TTL after the entry was stored', () => {
      expect(isPastRefreshAge(entry, 0.8, NOW + 799)).toBe(false);
      expect(isPastRefreshAge(entry, 0.8, NOW + 800)).toBe(true);
      expect(isPastRefreshAge(entry, 0.8, NOW + 1_500)).toBe(true);
    });

    it('is false for an entry without a known TTL, or one that never expires', () => {
      expect(isPastRefreshAge({ expiresAt: NOW + 1_000, ttlMs: 0, graceMs: 0 }, 0.5, NOW + 999)).toBe(false);
      expect(isPastRefreshAge({ expiresAt: 0, ttlMs: 0, graceMs: 0 }, 0.5, NOW)).toBe(false);
    });

    it.each([0, 1, -0.5, 1.5, NaN])('asks for no refresh with a ratio of %p, outside (0, 1)', (ratio) => {
      expect(isPastRefreshAge(entry, ratio, NOW + 999)).toBe(false);
    });
  });
});

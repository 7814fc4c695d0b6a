import { jitteredTtlMs } from './ttl-jitter';

describe('jitteredTtlMs', () => {
  it('adds a uniform share of [0, jitterMs) to the TTL', () => {
    expect(jitteredTtlMs(1_000, 100, () => 0)).toBe(1_000);
    expect(jitteredTtlMs(1_000, 100, () => 0.5)).toBe(1_050);
    expect(jitteredTtlMs(1_000, 100, () => 0.999_999)).toBe(1_099);
  });

  it('never reaches TTL + jitterMs, even from a random source that answers 1', () => {
    expect(jitteredTtlMs(1_000, 100, () => 1)).toBe(1_099);
  });

  it('spreads the expiries of entries set together', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const ttls = Array.from({ length: 1_000 }, () => jitteredTtlMs(60_000, 10_000, random));
    expect(Math.min(...ttls)).toBeGreaterThanOrEqual(60_000);
    expect(Math.max(...ttls)).toBeLessThan(70_000);
    expect(new Set(ttls).size).toBeGreaterThan(900);
    // Uniform: each tenth of the window gets about a tenth of the entries.
    const deciles = new Array<number>(10).fill(0);
    for (const ttl of ttls) deciles[Math.floor((ttl - 60_000) / 1_000)]++;
    for (const count of deciles) expect(count).toBeGreaterThan(60);
  });

  it('jitterMs 0 leaves the TTL alone', () => {
    expect(jitteredTtlMs(1_000, 0, () => 0.7)).toBe(1_000);
  });

  it('an entry that never expires (TTL 0) stays so', () => {
    expect(jitteredTtlMs(0, 100, () => 0.7)).toBe(0);
  });

  it('answers whole milliseconds', () => {
    expect(Number.isInteger(jitteredTtlMs(1_000, 10.5, () => 0.99))).toBe(true);
  });

  it.each([-1, NaN, Infinity])('rejects jitterMs %p with a RangeError', (jitterMs) => {
    expect(() => jitteredTtlMs(1_000, jitterMs)).toThrow(RangeError);
  });
});

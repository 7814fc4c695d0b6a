import { LRUCache } from 'lru-cache';
import { seededRandom } from '../../harness/measure';
import { nextUses, optimalHits } from './belady-opt';
import { zipfRanks } from './chat-data';

/** The reference string of Silberschatz's Operating System Concepts (page replacement, 3 frames). */
const TEXTBOOK = Uint32Array.from([7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1]);

/** The most hits over every possible sequence of admit/evict/bypass decisions: exhaustive, for tiny traces. */
function exhaustiveBest(accesses: Uint32Array, capacity: number, admitEveryMiss: boolean): number {
  const memo = new Map<number, number>();
  const best = (i: number, residents: number): number => {
    if (i === accesses.length) return 0;
    const state = i * 1024 + residents;
    const known = memo.get(state);
    if (known !== undefined) return known;
    const bit = 1 << accesses[i];
    let result: number;
    if (residents & bit) result = 1 + best(i + 1, residents);
    else {
      const options: number[] = [];
      if (!admitEveryMiss) options.push(residents);
      if (popCount(residents) < capacity) options.push(residents | bit);
      else for (let victim = 1; victim <= residents; victim <<= 1) if (residents & victim) options.push((residents & ~victim) | bit);
      result = Math.max(...options.map((next) => best(i + 1, next)));
    }
    memo.set(state, result);
    return result;
  };
  return best(0, 0);
}

function popCount(mask: number): number {
  let count = 0;
  for (; mask; mask &= mask - 1) count++;
  return count;
}

function lruHits(accesses: Uint32Array, capacity: number, countFrom = 0): number {
  const cache = new LRUCache<number, boolean>({ max: capacity });
  let hits = 0;
  for (let i = 0; i < accesses.length; i++) {
    if (cache.get(accesses[i]) !== undefined) {
      if (i >= countFrom) hits++;
    } else cache.set(accesses[i], true);
  }
  return hits;
}

function randomTrace(random: () => number, length: number, keyCount: number): Uint32Array {
  return Uint32Array.from({ length }, () => (random() * keyCount) | 0);
}

describe("Belady's OPT", () => {
  it('has the textbook 9 page faults on the textbook reference string with 3 frames, when every miss is loaded', () => {
    expect(TEXTBOOK.length - optimalHits(TEXTBOOK, 8, 3, { admitEveryMiss: true })).toBe(9);
  });

  it('scores more on the textbook string by not loading a page needed later than every resident (bypass)', () => {
    // At the access to 4 (never used again), demand paging must evict 0, which faults again at the next 0.
    expect(optimalHits(TEXTBOOK, 8, 3)).toBe(12);
    expect(exhaustiveBest(TEXTBOOK, 3, false)).toBe(12);
  });

  it('matches an exhaustive search of every eviction and bypass choice on random tiny traces', () => {
    const random = seededRandom(7);
    for (let round = 0; round < 300; round++) {
      const keyCount = 2 + ((random() * 5) | 0);
      const capacity = 1 + ((random() * 3) | 0);
      const trace = randomTrace(random, 4 + ((random() * 12) | 0), keyCount);
      expect(optimalHits(trace, keyCount, capacity)).toBe(exhaustiveBest(trace, capacity, false));
      expect(optimalHits(trace, keyCount, capacity, { admitEveryMiss: true })).toBe(exhaustiveBest(trace, capacity, true));
    }
  });

  it('never scores below LRU, on uniform and Zipf traces, with or without a warm-up', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 20; round++) {
      const keyCount = 50 + ((random() * 2000) | 0);
      const capacity = (1 + (random() * keyCount) / 4) | 0;
      const trace = round % 2 === 0 ? randomTrace(random, 20_000, keyCount) : zipfRanks(keyCount, 0.6 + random(), 20_000, random);
      const countFrom = round % 3 === 0 ? 0 : 5_000;
      const opt = optimalHits(trace, keyCount, capacity, { countFrom });
      const lru = lruHits(trace, capacity, countFrom);
      expect(opt).toBeGreaterThanOrEqual(lru);
      expect(optimalHits(trace, keyCount, capacity, { countFrom, admitEveryMiss: true })).toBeGreaterThanOrEqual(lru);
    }
  });

  it('misses once per pass on a loop one key longer than the cache, where LRU misses every access', () => {
    const capacity = 10;
    const passes = 100;
    const loop = Uint32Array.from({ length: (capacity + 1) * passes }, (_, i) => i % (capacity + 1));
    // The first pass fills the cache (capacity cold misses) and misses the last key; every later pass misses one key.
    expect(optimalHits(loop, capacity + 1, capacity)).toBe(loop.length - capacity - passes);
    expect(lruHits(loop, capacity)).toBe(0);
  });

  it('counts only the hits from countFrom on, with the warm-up still filling the cache', () => {
    const trace = Uint32Array.from([1, 2, 1, 2, 1, 2]);
    expect(optimalHits(trace, 3, 2)).toBe(4);
    expect(optimalHits(trace, 3, 2, { countFrom: 2 })).toBe(4);
    expect(optimalHits(trace, 3, 2, { countFrom: 4 })).toBe(2);
  });

  it('gives each access the index of the next access to its key, and a distinct index past the end for a last access', () => {
    expect([...nextUses(Uint32Array.from([0, 1, 0, 2, 1]), 3)]).toEqual([2, 4, 5, 5 + 2, 5 + 1]);
  });
});

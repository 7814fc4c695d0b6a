import { coarseNowMs } from '../util/coarse-clock';
import { MEMORY_POLICIES, MemoryStore, MemoryStoreOptions } from './memory.store';

describe.each(MEMORY_POLICIES)('MemoryStore, policy %s', (policy) => {
  let t: number;
  const stores: MemoryStore[] = [];

  /** A store on the manual clock `t`, without a background sweeper unless asked for. */
  function makeStore(options: Partial<MemoryStoreOptions> = {}): MemoryStore {
    const store = new MemoryStore({
      maxEntries: 1_000,
      maxBytes: 1_000_000,
      maxEntryBytes: 100_000,
      sweepIntervalMs: 0,
      now: () => t,
      policy,
      ...options,
    });
    stores.push(store);
    return store;
  }

  /** What one entry of `key` -> `value` costs in the byte accounting. */
  function bytesOf(key: string, value: unknown): number {
    const probe = makeStore();
    probe.set(key, value);
    return probe.stats().bytes;
  }

  beforeEach(() => {
    t = 1_000;
  });

  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    jest.useRealTimers();
  });

  describe('get / set', () => {
    it('returns what was set, and undefined for a key never set', () => {
      const store = makeStore();
      const value = { id: 1, name: 'ada' };
      store.set('a', value);
      expect(store.get('a')).toBe(value);
      expect(store.get('missing')).toBeUndefined();
    });

    it('overwrites a key in place', () => {
      const store = makeStore();
      store.set('a', 1);
      store.set('a', 2);
      expect(store.get('a')).toBe(2);
      expect(store.size).toBe(1);
    });

    it.each([
      ['0', 0],
      ['empty string', ''],
      ['false', false],
      ['null', null],
      ['NaN', NaN],
    ])('caches the falsy value %s as a value', (_name, value) => {
      const store = makeStore();
      store.set('k', value);
      expect(store.has('k')).toBe(true);
      expect(store.get('k')).toBe(value);
      expect(store.stats()).toMatchObject({ hits: 1, misses: 0, entries: 1 });
    });

    it('treats undefined as "no value": setting it deletes the key', () => {
      const store = makeStore();
      store.set('k', 'v');
      store.set('k', undefined);
      expect(store.has('k')).toBe(false);
      expect(store.get('k')).toBeUndefined();
      expect(store.size).toBe(0);
      expect(store.stats().bytes).toBe(0);
    });
  });

  if (policy === 'lru') {
    describe('LRU order', () => {
      it('evicts the least recently set entry first once maxEntries is exceeded', () => {
        const store = makeStore({ maxEntries: 3 });
        store.set('a', 1);
        store.set('b', 2);
        store.set('c', 3);
        store.set('d', 4);
        expect(store.has('a')).toBe(false);
        expect(['b', 'c', 'd'].map((k) => store.get(k))).toEqual([2, 3, 4]);
        expect(store.size).toBe(3);
        expect(store.stats().evictions).toBe(1);
      });

      it('get promotes an entry, so the next least recently used one is evicted instead', () => {
        const store = makeStore({ maxEntries: 3 });
        store.set('a', 1);
        store.set('b', 2);
        store.set('c', 3);
        expect(store.get('a')).toBe(1);
        store.set('d', 4);
        expect(store.has('b')).toBe(false);
        expect(store.has('a')).toBe(true);
        store.set('e', 5);
        expect(store.has('c')).toBe(false);
        expect(store.has('a')).toBe(true);
      });

      it('overwriting a key promotes it', () => {
        const store = makeStore({ maxEntries: 2 });
        store.set('a', 1);
        store.set('b', 2);
        store.set('a', 10);
        store.set('c', 3);
        expect(store.has('b')).toBe(false);
        expect(store.get('a')).toBe(10);
      });

      it('has neither promotes nor counts a hit or a miss', () => {
        const store = makeStore({ maxEntries: 2 });
        store.set('a', 1);
        store.set('b', 2);
        expect(store.has('a')).toBe(true);
        expect(store.has('zzz')).toBe(false);
        store.set('c', 3);
        expect(store.has('a')).toBe(false);
        expect(store.has('b')).toBe(true);
        expect(store.stats()).toMatchObject({ hits: 0, misses: 0 });
      });
    });

    describe('stats', () => {
      it('counts hits, misses, sets, deletes, evictions and expirations', () => {
        const store = makeStore({ maxEntries: 2, maxBytes: 123_456 });
        store.set('a', 1);
        store.set('b', 2, 10);
        store.get('a'); // hit
        store.get('nope'); // miss
        t += 10;
        store.get('b'); // expired: miss
        store.set('c', 3);
        store.set('d', 4); // evicts a
        store.delete('c');
        const stats = store.stats();
        expect(stats).toEqual({
          hits: 1,
          misses: 2,
          sets: 4,
          deletes: 1,
          evictions: 1,
          admissionsRejected: 0,
          expirations: 1,
          tagInvalidations: 0,
          oversized: 0,
          entries: 1,
          bytes: bytesOf('d', 4),
          maxEntries: 2,
          maxBytes: 123_456,
        });
      });
    });
  } else {
    describe('W-TinyLFU admission', () => {
      /** Cache-aside over `trace`: a miss sets the key. Answers the hit ratio. */
      function hitRatio(store: MemoryStore, trace: readonly string[]): number {
        let hits = 0;
        for (const key of trace) {
          if (store.get(key) !== undefined) hits++;
          else store.set(key, key);
        }
        return hits / trace.length;
      }

      it('stores every set at first: a new key is read back right after its set, even in a full store', () => {
        const store = makeStore({ maxEntries: 10 });
        for (let i = 0; i < 10; i++) store.set(`hot:${i}`, i);
        for (let round = 0; round < 5; round++) for (let i = 0; i < 10; i++) store.get(`hot:${i}`);
        for (let i = 0; i < 50; i++) {
          store.set(`new:${i}`, i);
          expect(store.get(`new:${i}`)).toBe(i);
          expect(store.size).toBeLessThanOrEqual(10);
        }
      });

      it('frequency beats recency: keys read between scans of twice its size keep hitting, where an LRU misses them all', () => {
        /** Rounds of: read the 20 hot keys (setting a missed one), then set 200 keys never seen again. */
        function hotHitRatio(store: MemoryStore): number {
          let hits = 0;
          let reads = 0;
          for (let round = 0; round < 10; round++) {
            for (let i = 0; i < 20; i++) {
              const hit = store.get(`hot:${i}`) !== undefined;
              if (!hit) store.set(`hot:${i}`, i);
              if (round > 0) reads++;
              if (round > 0 && hit) hits++;
            }
            for (let i = 0; i < 200; i++) store.set(`scan:${round}:${i}`, i);
          }
          return hits / reads;
        }
        expect(hotHitRatio(makeStore({ maxEntries: 100 }))).toBeGreaterThan(0.9);
        expect(hotHitRatio(makeStore({ maxEntries: 100, policy: 'lru' }))).toBe(0);
      });

      it('on a loop over slightly more keys than it holds, hits over 40% where LRU hits none', () => {
        const loop = Array.from({ length: 110 * 100 }, (_, i) => `k:${i % 110}`);
        expect(hitRatio(makeStore({ maxEntries: 100 }), loop)).toBeGreaterThan(0.4);
        expect(hitRatio(makeStore({ maxEntries: 100, policy: 'lru' }), loop)).toBe(0);
      });

      it('counts a window entry refused by the admission filter as admissionsRejected, not as an eviction, and drops its value', () => {
        const store = makeStore({ maxEntries: 2 });
        store.set('a', 1);
        store.set('b', 2);
        store.get('a');
        store.get('a');
        store.set('c', 3); // b leaves the window, seen once, and competes with a, seen three times
        expect(store.stats()).toMatchObject({ admissionsRejected: 1, evictions: 0, entries: 2 });
        expect(store.has('b')).toBe(false);
        expect(store.get('a')).toBe(1);
        expect(store.get('c')).toBe(3);
      });

      it('evicts an admitted entry when the candidate is asked for more often, and counts that as an eviction', () => {
        const store = makeStore({ maxEntries: 2 });
        store.set('a', 1);
        store.set('b', 2);
        store.set('c', 3); // b, seen once, is refused against a, seen once
        for (let i = 0; i < 16; i++) store.get('c'); // one hit in 8 is counted
        store.set('d', 4); // c, read often, wins a's place
        expect(store.stats()).toMatchObject({ evictions: 1, admissionsRejected: 1, entries: 2 });
        expect(store.has('a')).toBe(false);
        expect(store.get('c')).toBe(3);
        expect(store.get('d')).toBe(4);
      });

      it('stays within maxEntries and maxBytes, and its byte count matches what it holds, under churn', () => {
        const value = 'x'.repeat(100);
        const one = bytesOf('k:000', value);
        const store = makeStore({ maxEntries: 50, maxBytes: 30 * one });
        let seed = 1;
        for (let i = 0; i < 5_000; i++) {
          seed = (seed * 48_271) % 2_147_483_647;
          const key = `k:${String(seed % 200).padStart(3, '0')}`;
          if (seed % 3 === 0) store.get(key);
          else store.set(key, seed % 7 === 0 ? value + value : value);
          expect(store.size).toBeLessThanOrEqual(30);
          expect(store.stats().bytes).toBeLessThanOrEqual(30 * one);
        }
        const held = store.keys().reduce((sum, key) => sum + bytesOf(key, store.get(key)), 0);
        expect(store.stats().bytes).toBe(held);
        const { evictions, admissionsRejected, sets, entries } = store.stats();
        expect(evictions + admissionsRejected).toBeGreaterThan(0);
        expect(entries).toBe(store.keys().length);
        expect(sets).toBeGreaterThan(entries);
      });
    });
  }

  describe('TTL', () => {
    it('expires an entry once its ttl has passed', () => {
      const store = makeStore();
      store.set('a', 'v', 100);
      t += 99;
      expect(store.get('a')).toBe('v');
      t += 1;
      expect(store.get('a')).toBeUndefined();
      expect(store.size).toBe(0);
      expect(store.stats()).toMatchObject({ hits: 1, misses: 1, expirations: 1 });
    });

    it('uses defaultTtlMs when set is given no ttl', () => {
      const store = makeStore({ defaultTtlMs: 50 });
      store.set('a', 'v');
      t += 49;
      expect(store.has('a')).toBe(true);
      t += 1;
      expect(store.has('a')).toBe(false);
    });

    it('an explicit ttl overrides the default, longer or shorter', () => {
      const store = makeStore({ defaultTtlMs: 50 });
      store.set('long', 1, 500);
      store.set('short', 2, 10);
      t += 10;
      expect(store.has('short')).toBe(false);
      t += 100;
      expect(store.has('long')).toBe(true);
    });

    it('ttl 0 means no expiry, even when a default ttl is configured', () => {
      const store = makeStore({ defaultTtlMs: 50 });
      store.set('forever', 'v', 0);
      t += 1e12;
      expect(store.get('forever')).toBe('v');
    });

    it('without a default ttl an entry never expires', () => {
      const store = makeStore();
      store.set('a', 'v');
      t += 1e12;
      expect(store.get('a')).toBe('v');
    });

    it('overwriting a key restarts its ttl', () => {
      const store = makeStore();
      store.set('a', 1, 100);
      t += 80;
      store.set('a', 2, 100);
      t += 80;
      expect(store.get('a')).toBe(2);
    });

    it('getEntry answers the expiry instant, 0 for an entry that never expires', () => {
      const store = makeStore();
      store.set('a', 'v', 100);
      store.set('forever', 'w', 0);
      expect(store.getEntry('a')).toEqual({ value: 'v', expiresAt: 1_100, ttlMs: 100, graceMs: 0, stale: false });
      expect(store.getEntry('forever')).toEqual({ value: 'w', expiresAt: 0, ttlMs: 0, graceMs: 0, stale: false });
      t += 100;
      expect(store.getEntry('a')).toBeUndefined();
      expect(store.getEntry('missing')).toBeUndefined();
    });

    it('on the real clock, an expiry counts from the set even when the event loop has not reached its timers for a while', () => {
      const store = new MemoryStore({ maxEntries: 10, maxBytes: 100_000, maxEntryBytes: 10_000, sweepIntervalMs: 0, policy });
      stores.push(store);
      coarseNowMs(); // the coarse clock now holds this reading until a timer runs
      const busyUntil = Date.now() + 60;
      while (Date.now() < busyUntil); // no timer runs meanwhile: the coarse clock still reads 60 ms ago
      const setAt = Date.now();
      store.set('a', 'v', 50);
      expect(store.getEntry('a')?.expiresAt).toBeGreaterThanOrEqual(setAt + 50);
    });

    it.each([-1, NaN, Infinity, -Infinity])('rejects ttl %p with a RangeError and leaves the key alone', (ttl) => {
      const store = makeStore();
      store.set('a', 'old');
      expect(() => store.set('a', 'new', ttl)).toThrow(RangeError);
      expect(store.get('a')).toBe('old');
      expect(store.stats().sets).toBe(1);
    });
  });

  describe('byte bounds', () => {
    const value = 'x'.repeat(100);

    it('tracks the estimated bytes of what it holds', () => {
      const store = makeStore();
      const one = bytesOf('a', value);
      expect(one).toBeGreaterThan(200); // 100 two-byte characters at least
      store.set('a', value);
      store.set('b', value);
      expect(store.stats().bytes).toBe(2 * one);
      store.set('a', 'x'.repeat(200));
      expect(store.stats().bytes).toBe(one + bytesOf('a', 'x'.repeat(200)));
      store.delete('a');
      store.delete('b');
      expect(store.stats().bytes).toBe(0);
    });

    it('evicts least recently used entries to stay within maxBytes', () => {
      const one = bytesOf('a', value);
      const store = makeStore({ maxBytes: 3 * one + one / 2 });
      store.set('a', value);
      store.set('b', value);
      store.set('c', value);
      store.get('a');
      store.set('d', value);
      expect(store.has('b')).toBe(false);
      expect(['a', 'c', 'd'].every((k) => store.has(k))).toBe(true);
      expect(store.stats().bytes).toBeLessThanOrEqual(3 * one + one / 2);
      expect(store.stats().evictions).toBe(1);
    });

    it('evicts as many entries as a large value needs', () => {
      const one = bytesOf('a', value);
      const big = 'x'.repeat(250);
      const store = makeStore({ maxBytes: 3 * one + one / 2 });
      store.set('a', value);
      store.set('b', value);
      store.set('c', value);
      store.set('d', big);
      expect(store.has('a')).toBe(false);
      expect(store.has('b')).toBe(false);
      expect(store.has('c')).toBe(true);
      expect(store.get('d')).toBe(big);
      expect(store.stats().evictions).toBe(2);
    });

    it('does not cache a value above maxEntryBytes, counts it as oversized and does not throw', () => {
      const store = makeStore({ maxEntryBytes: 500 });
      expect(() => store.set('big', 'x'.repeat(1_000))).not.toThrow();
      expect(store.has('big')).toBe(false);
      expect(store.stats()).toMatchObject({ oversized: 1, entries: 0, bytes: 0, sets: 0 });
    });

    it('an oversized value drops the older value of the same key', () => {
      const store = makeStore({ maxEntryBytes: 500 });
      store.set('k', 'small');
      store.set('k', 'x'.repeat(1_000));
      expect(store.get('k')).toBeUndefined();
      expect(store.stats()).toMatchObject({ oversized: 1, entries: 0, bytes: 0 });
    });

    it('an oversized value leaves other keys alone', () => {
      const store = makeStore({ maxEntryBytes: 500 });
      store.set('other', 'small');
      store.set('big', 'x'.repeat(1_000));
      expect(store.get('other')).toBe('small');
    });

    it('a cyclic value does not throw: it is not cached and counts as oversized', () => {
      const store = makeStore();
      const cyclic: Record<string, unknown> = { name: 'loop' };
      cyclic.self = cyclic;
      expect(() => store.set('c', cyclic)).not.toThrow();
      expect(store.get('c')).toBeUndefined();
      expect(store.stats().oversized).toBe(1);
    });
  });

  describe('keys', () => {
    function seeded(): MemoryStore {
      const store = makeStore();
      for (const key of ['user:1', 'user:2', 'user:10', 'room:a', 'room:b', 'room:c']) store.set(key, key);
      return store;
    }

    it('lists every live key without a pattern', () => {
      expect(seeded().keys().sort()).toEqual(['room:a', 'room:b', 'room:c', 'user:1', 'user:10', 'user:2']);
    });

    it('matches * against any run of characters', () => {
      expect(seeded().keys('user:*').sort()).toEqual(['user:1', 'user:10', 'user:2']);
    });

    it('matches ? against exactly one character', () => {
      expect(seeded().keys('user:?').sort()).toEqual(['user:1', 'user:2']);
    });

    it('matches [ab] against one of the listed characters', () => {
      expect(seeded().keys('room:[ab]').sort()).toEqual(['room:a', 'room:b']);
    });

    it('skips expired keys', () => {
      const store = makeStore();
      store.set('user:live', 1);
      store.set('user:short', 2, 10);
      t += 10;
      expect(store.keys('user:*')).toEqual(['user:live']);
      expect(store.keys()).toEqual(['user:live']);
    });

    it('does not count lookups as hits or misses', () => {
      const store = seeded();
      store.keys('*');
      expect(store.stats()).toMatchObject({ hits: 0, misses: 0 });
    });
  });

  describe('delete, deletePattern, clear', () => {
    it('delete removes a key and reports whether it held a value', () => {
      const store = makeStore();
      store.set('a', 1);
      store.set('b', 2);
      expect(store.delete('a')).toBe(true);
      expect(store.delete('a')).toBe(false);
      expect(store.delete('never')).toBe(false);
      expect(store.has('a')).toBe(false);
      expect(store.get('b')).toBe(2);
      expect(store.stats()).toMatchObject({ deletes: 1, entries: 1 });
    });

    it('delete of an expired key reports false, as Redis DEL would', () => {
      const store = makeStore();
      store.set('a', 1, 10);
      t += 10;
      expect(store.delete('a')).toBe(false);
      expect(store.size).toBe(0);
      expect(store.stats()).toMatchObject({ deletes: 0, expirations: 1 });
    });

    it('deletePattern removes only the matching keys and returns how many', () => {
      const store = makeStore();
      for (const key of ['user:1:profile', 'user:1:rooms', 'user:2:profile', 'room:1']) store.set(key, key);
      expect(store.deletePattern('user:1:*')).toBe(2);
      expect(store.keys().sort()).toEqual(['room:1', 'user:2:profile']);
      expect(store.deletePattern('nothing:*')).toBe(0);
      expect(store.stats().deletes).toBe(2);
    });

    it('deletePattern does not count expired keys as deleted', () => {
      const store = makeStore();
      store.set('user:live', 1);
      store.set('user:gone', 2, 10);
      t += 10;
      expect(store.deletePattern('user:*')).toBe(1);
      expect(store.size).toBe(0);
      expect(store.stats()).toMatchObject({ deletes: 1, expirations: 1 });
    });

    it('clear empties the store, which keeps working afterwards', () => {
      const store = makeStore();
      store.set('a', 1);
      store.set('b', 2, 0, { tags: ['t'] });
      store.clear();
      expect(store.size).toBe(0);
      expect(store.get('a')).toBeUndefined();
      expect(store.keys()).toEqual([]);
      expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
      store.set('c', 3);
      expect(store.get('c')).toBe(3);
    });

    it('a load that began before clear does not cache its tagged value', () => {
      const store = makeStore();
      const stamp = store.tagStamp();
      store.clear();
      store.set('k', 'loaded before clear', 0, { tags: ['t'], stamp });
      expect(store.get('k')).toBeUndefined();
    });
  });

  describe('tags', () => {
    it('invalidateTags makes tagged entries misses and leaves the others', () => {
      const store = makeStore();
      store.set('a', 1, 0, { tags: ['room:1'] });
      store.set('b', 2, 0, { tags: ['room:2'] });
      store.set('c', 3);
      store.invalidateTags(['room:1']);
      expect(store.get('a')).toBeUndefined();
      expect(store.get('b')).toBe(2);
      expect(store.get('c')).toBe(3);
      expect(store.stats()).toMatchObject({ tagInvalidations: 1, misses: 1, hits: 2, entries: 2 });
    });

    it('an entry with several tags goes stale when any one of them is invalidated', () => {
      const store = makeStore();
      store.set('a', 1, 0, { tags: ['user:1', 'room:1'] });
      store.invalidateTags(['room:1']);
      expect(store.has('a')).toBe(false);
    });

    it('a value set after an invalidation is fresh', () => {
      const store = makeStore();
      store.set('a', 1, 0, { tags: ['t'] });
      store.invalidateTags(['t']);
      store.set('a', 2, 0, { tags: ['t'] });
      expect(store.get('a')).toBe(2);
    });

    it('an empty tag list is untagged and invalidateTags([]) changes nothing', () => {
      const store = makeStore();
      store.set('a', 1, 0, { tags: [] });
      store.set('b', 2, 0, { tags: ['t'] });
      store.invalidateTags([]);
      expect(store.get('a')).toBe(1);
      expect(store.get('b')).toBe(2);
    });

    it('a stamp taken before an invalidation makes a later set of that tag stale at once (load race)', () => {
      const store = makeStore();
      const stamp = store.tagStamp(); // the load begins
      store.invalidateTags(['session:1']); // a write lands while it runs
      store.set('session', 'old data', 0, { tags: ['session:1'], stamp });
      expect(store.get('session')).toBeUndefined();
      expect(store.stats().tagInvalidations).toBe(1);
    });

    it('a stamp taken before an invalidation of another tag stays fresh', () => {
      const store = makeStore();
      const stamp = store.tagStamp();
      store.invalidateTags(['other']);
      store.set('session', 'data', 0, { tags: ['session:1'], stamp });
      expect(store.get('session')).toBe('data');
    });

    it('a stamp taken after the invalidation is fresh', () => {
      const store = makeStore();
      store.invalidateTags(['session:1']);
      const stamp = store.tagStamp();
      store.set('session', 'new data', 0, { tags: ['session:1'], stamp });
      expect(store.get('session')).toBe('new data');
    });

    it('drops every tagged entry, and only those, when the tag history overflows', () => {
      const store = makeStore();
      store.set('tagged', 1, 0, { tags: ['t'] });
      store.set('plain', 2);
      const manyTags = Array.from({ length: 100_001 }, (_, i) => `tag:${i}`);
      store.invalidateTags(manyTags);
      expect(store.size).toBe(1);
      expect(store.has('tagged')).toBe(false);
      expect(store.get('plain')).toBe(2);
      store.set('tagged', 3, 0, { tags: ['t'] });
      expect(store.get('tagged')).toBe(3);
    });
  });

  describe('background sweeper', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    it('removes expired entries without them being read', () => {
      const store = makeStore({ sweepIntervalMs: 100, sweepBatchSize: 100 });
      for (let i = 0; i < 5; i++) store.set(`gone:${i}`, i, 50);
      for (let i = 0; i < 5; i++) store.set(`live:${i}`, i);
      t += 50;
      expect(store.size).toBe(10); // nothing dropped until the sweeper runs
      jest.advanceTimersByTime(100);
      expect(store.size).toBe(5);
      expect(store.stats()).toMatchObject({ entries: 5, expirations: 5, hits: 0, misses: 0 });
      expect(store.keys().sort()).toEqual(['live:0', 'live:1', 'live:2', 'live:3', 'live:4']);
    });

    it('looks at no more than sweepBatchSize entries per tick and resumes where it stopped', () => {
      const store = makeStore({ sweepIntervalMs: 100, sweepBatchSize: 3 });
      for (let i = 0; i < 10; i++) store.set(`k${i}`, i, 50);
      t += 50;
      jest.advanceTimersByTime(100);
      expect(store.size).toBe(7);
      expect(store.stats().expirations).toBe(3);
      jest.advanceTimersByTime(100);
      expect(store.size).toBe(4);
      jest.advanceTimersByTime(200);
      expect(store.size).toBe(0);
      expect(store.stats()).toMatchObject({ entries: 0, bytes: 0, expirations: 10, misses: 0 });
    });

    it('starts a new pass after a full one, catching entries that expired since', () => {
      const store = makeStore({ sweepIntervalMs: 100, sweepBatchSize: 10 });
      store.set('early', 1, 50);
      store.set('late', 2, 500);
      t += 50;
      jest.advanceTimersByTime(100);
      expect(store.keys()).toEqual(['late']);
      t += 450;
      jest.advanceTimersByTime(200);
      expect(store.size).toBe(0);
    });

    it('sweepIntervalMs 0 starts no timer: expired entries are dropped only when touched', () => {
      const store = makeStore({ sweepIntervalMs: 0 });
      expect(jest.getTimerCount()).toBe(0);
      store.set('a', 1, 10);
      t += 10;
      jest.advanceTimersByTime(10_000);
      expect(store.size).toBe(1);
      expect(store.get('a')).toBeUndefined();
      expect(store.size).toBe(0);
    });

    it('close stops the sweeper and the store keeps working', () => {
      const store = makeStore({ sweepIntervalMs: 100, sweepBatchSize: 10 });
      store.set('a', 1, 10);
      store.close();
      expect(jest.getTimerCount()).toBe(0);
      t += 10;
      jest.advanceTimersByTime(1_000);
      expect(store.size).toBe(1);
      store.set('b', 2);
      expect(store.get('b')).toBe(2);
      expect(store.get('a')).toBeUndefined();
    });
  });
});

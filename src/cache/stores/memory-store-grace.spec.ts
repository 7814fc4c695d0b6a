import { isPastRefreshAge } from '../util/entry-lifetime';
import { MEMORY_POLICIES, MemoryStore, MemoryStoreOptions } from './memory.store';

/** Entry lifetimes in L1: the grace window past a TTL, and the TTL an entry remembers for eager refresh. */
describe.each(MEMORY_POLICIES)('MemoryStore lifetimes, policy %s', (policy) => {
  let t: number;
  const stores: MemoryStore[] = [];

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

  beforeEach(() => {
    t = 1_000;
  });

  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });

  describe('grace', () => {
    it('past its TTL a graced entry is a miss for get and has, and a stale fallback for getEntry with allowStale', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      t += 100;
      expect(store.get('a')).toBeUndefined();
      expect(store.has('a')).toBe(false);
      expect(store.getEntry('a')).toBeUndefined();
      expect(store.getEntry('a', { allowStale: true })).toEqual({ value: 'v', expiresAt: 1_100, ttlMs: 100, graceMs: 500, stale: true });
      expect(store.keys()).toEqual([]);
    });

    it('before its TTL the entry is fresh for every read', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      t += 99;
      expect(store.get('a')).toBe('v');
      expect(store.getEntry('a', { allowStale: true })?.stale).toBe(false);
      expect(store.keys()).toEqual(['a']);
    });

    it('past TTL + grace the entry is gone for every read, and counted as an expiration', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      t += 600;
      expect(store.getEntry('a', { allowStale: true })).toBeUndefined();
      expect(store.size).toBe(0);
      expect(store.stats()).toMatchObject({ expirations: 1, entries: 0, bytes: 0 });
    });

    it('graceMs 0 (or a plain TTL) drops the entry at its TTL, as before', () => {
      const store = makeStore();
      store.set('plain', 'v', 100);
      store.set('zero', 'v', { ttlMs: 100, graceMs: 0 });
      t += 100;
      expect(store.getEntry('plain', { allowStale: true })).toBeUndefined();
      expect(store.getEntry('zero', { allowStale: true })).toBeUndefined();
      expect(store.size).toBe(0);
    });

    it('a read of a stale entry does not drop it: the fallback is still there for the next caller', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      t += 200;
      expect(store.get('a')).toBeUndefined();
      expect(store.has('a')).toBe(false);
      expect(store.getEntry('a', { allowStale: true })?.value).toBe('v');
      expect(store.getEntry('a', { allowStale: true })?.value).toBe('v');
    });

    it('the sweeper keeps entries within grace and drops them after it', () => {
      const store = makeStore();
      store.set('graced', 'v', { ttlMs: 100, graceMs: 500 });
      store.set('plain', 'w', 100);
      t += 300;
      expect(store.sweep()).toBe(1);
      expect(store.getEntry('graced', { allowStale: true })?.value).toBe('v');
      t += 300;
      expect(store.sweep()).toBe(1);
      expect(store.size).toBe(0);
    });

    it('a stale entry counts in size and bytes (it holds memory) and is evicted like any other', () => {
      const store = makeStore({ maxEntries: 2 });
      store.set('old', 'v', { ttlMs: 100, graceMs: 10_000 });
      t += 200;
      expect(store.stats().entries).toBe(1);
      store.set('b', 1);
      // b is now both the more recent and the more frequent (tinylfu counts one hit in 8): old goes under either policy
      for (let i = 0; i < 8; i++) store.get('b');
      store.set('c', 2);
      expect(store.getEntry('old', { allowStale: true })).toBeUndefined();
      expect(store.stats()).toMatchObject({ evictions: 1, entries: 2 });
    });

    it('a stale answer counts as a miss, a fresh one as a hit', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      store.getEntry('a', { allowStale: true });
      t += 100;
      store.getEntry('a', { allowStale: true });
      store.get('a');
      expect(store.stats()).toMatchObject({ hits: 1, misses: 2 });
    });

    it('delete removes a stale copy too, and answers false: there was no fresh value', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      t += 200;
      expect(store.delete('a')).toBe(false);
      expect(store.getEntry('a', { allowStale: true })).toBeUndefined();
      expect(store.size).toBe(0);
    });

    it('deletePattern removes stale copies too, counting only the fresh ones', () => {
      const store = makeStore();
      store.set('s:1', 'stale', { ttlMs: 100, graceMs: 500 });
      t += 200;
      store.set('s:2', 'fresh', { ttlMs: 100, graceMs: 500 });
      expect(store.deletePattern('s:*')).toBe(1);
      expect(store.getEntry('s:1', { allowStale: true })).toBeUndefined();
      expect(store.size).toBe(0);
    });

    it('invalidation wins over grace: a stale value of an invalidated tag is never answered', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 }, { tags: ['session:1'] });
      store.set('b', 'w', { ttlMs: 100, graceMs: 500 }, { tags: ['session:2'] });
      t += 200;
      store.invalidateTags(['session:1']);
      expect(store.getEntry('a', { allowStale: true })).toBeUndefined();
      expect(store.getEntry('b', { allowStale: true })?.value).toBe('w');
      expect(store.stats().tagInvalidations).toBe(1);
    });

    it('a value loaded before an invalidation of its tag is not a fallback either', () => {
      const store = makeStore();
      const stamp = store.tagStamp();
      store.invalidateTags(['user:1']); // the write that landed while the value was loading
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 }, { tags: ['user:1'], stamp });
      t += 200;
      expect(store.getEntry('a', { allowStale: true })).toBeUndefined();
    });

    it('clear removes stale copies', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      t += 200;
      store.clear();
      expect(store.getEntry('a', { allowStale: true })).toBeUndefined();
    });

    it('overwriting a stale entry makes it fresh again, with the new lifetime', () => {
      const store = makeStore();
      store.set('a', 'old', { ttlMs: 100, graceMs: 500 });
      t += 200;
      store.set('a', 'new', 100);
      expect(store.get('a')).toBe('new');
      t += 100;
      expect(store.getEntry('a', { allowStale: true })).toBeUndefined();
    });

    it('an entry that never expires has no grace', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 0, graceMs: 500 });
      t += 1e9;
      expect(store.getEntry('a')).toEqual({ value: 'v', expiresAt: 0, ttlMs: 0, graceMs: 0, stale: false });
    });

    it('the default TTL applies to a lifetime without ttlMs', () => {
      const store = makeStore({ defaultTtlMs: 100 });
      store.set('a', 'v', { graceMs: 50 });
      expect(store.getEntry('a')).toMatchObject({ expiresAt: 1_100, ttlMs: 100, graceMs: 50 });
    });

    it.each([-1, NaN, Infinity])('rejects graceMs %p with a RangeError and leaves the key alone', (graceMs) => {
      const store = makeStore();
      store.set('a', 'old');
      expect(() => store.set('a', 'new', { ttlMs: 100, graceMs })).toThrow(RangeError);
      expect(store.get('a')).toBe('old');
    });
  });

  describe('copying an entry from another tier (a StoredLifetime)', () => {
    it('keeps its expiry, TTL and grace as they were, not counted from now', () => {
      const store = makeStore();
      store.set('a', 'v', { expiresAt: 1_050, ttlMs: 100, graceMs: 500 });
      expect(store.getEntry('a')).toEqual({ value: 'v', expiresAt: 1_050, ttlMs: 100, graceMs: 500, stale: false });
      t = 1_050;
      expect(store.getEntry('a', { allowStale: true })?.stale).toBe(true);
      t = 1_550;
      expect(store.getEntry('a', { allowStale: true })).toBeUndefined();
    });

    it('an entry already stale is stored stale; one past its grace is not stored, and drops the older value', () => {
      const store = makeStore();
      store.set('stale', 'v', { expiresAt: 900, ttlMs: 100, graceMs: 500 });
      expect(store.get('stale')).toBeUndefined();
      expect(store.getEntry('stale', { allowStale: true })?.value).toBe('v');
      store.set('over', 'older');
      store.set('over', 'v', { expiresAt: 400, ttlMs: 100, graceMs: 500 });
      expect(store.getEntry('over', { allowStale: true })).toBeUndefined();
      expect(store.size).toBe(1);
    });

    it('an entry returned by getEntry can be passed to set as is', () => {
      const from = makeStore();
      const to = makeStore();
      from.set('a', 'v', { ttlMs: 100, graceMs: 500 });
      t += 40;
      const entry = from.getEntry('a')!;
      to.set('a', entry.value, entry);
      expect(to.getEntry('a')).toEqual(entry);
    });

    it.each([
      ['a negative expiry', { expiresAt: -1, ttlMs: 100, graceMs: 0 }],
      ['a fractional expiry', { expiresAt: 1.5, ttlMs: 100, graceMs: 0 }],
      ['a negative ttl', { expiresAt: 2_000, ttlMs: -1, graceMs: 0 }],
      ['a negative grace', { expiresAt: 2_000, ttlMs: 100, graceMs: -1 }],
    ])('rejects %s with a RangeError', (_name, lifetime) => {
      const store = makeStore();
      expect(() => store.set('a', 'v', lifetime)).toThrow(RangeError);
    });
  });

  describe('age, for eager refresh', () => {
    it('an entry knows its TTL, so a hit can tell whether it is past a share of it', () => {
      const store = makeStore();
      store.set('a', 'v', { ttlMs: 1_000, graceMs: 0 });
      t += 799;
      expect(isPastRefreshAge(store.getEntry('a')!, 0.8, t)).toBe(false);
      t += 1;
      expect(isPastRefreshAge(store.getEntry('a')!, 0.8, t)).toBe(true);
    });

    it('a plain TTL is remembered too', () => {
      const store = makeStore({ defaultTtlMs: 300 });
      store.set('a', 'v', 200);
      store.set('b', 'v');
      expect(store.getEntry('a')?.ttlMs).toBe(200);
      expect(store.getEntry('b')?.ttlMs).toBe(300);
    });
  });
});

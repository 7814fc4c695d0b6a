import { InvalidationEvent } from '../../src/cache';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

/** How long another instance may serve its old L1 copy after a write (the bound). */
const COHERENCE_BOUND_MS = 100;

describe('two hybrid instances on one Redis stay coherent', () => {
  let server: RedisServer;
  let a: CacheContext;
  let b: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    const options = { keyPrefix: 'coh:', redis: { url: server.url } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await server.stop();
  });

  /** Waits until B has heard every message A sent so far (a late message would drop B's fresh copy). */
  async function busSettled(): Promise<void> {
    const sent = a.cache.stats().bus!.sent;
    await eventually(() => b.cache.stats().bus!.received >= sent, 1_000, 1);
  }

  /** Waits until B answers `expected` for `key`, failing past the coherence bound. */
  async function expectSeenOnB(key: string, expected: unknown): Promise<void> {
    const seen = await eventually(
      async () => {
        const value = await b.cache.get(key);
        return JSON.stringify(value) === JSON.stringify(expected);
      },
      COHERENCE_BOUND_MS,
      2,
    );
    expect({ key, seenOnBWithin100ms: seen }).toEqual({ key, seenOnBWithin100ms: true });
  }

  it('uses hybrid mode by default when a Redis URL is given', () => {
    expect(a.cache.stats().driver).toBe('hybrid');
  });

  it('a value set on A is read by B from Redis and kept in B’s memory tier', async () => {
    await a.cache.set('greeting', { text: 'hello' });
    await busSettled();
    expect(await b.cache.get('greeting')).toEqual({ text: 'hello' });
    expect(b.memory.has('greeting')).toBe(true);
  });

  it('an overwrite on A is seen on B within 100 ms, although B held the old value in memory', async () => {
    await a.cache.set('title', 'old');
    await busSettled();
    expect(await b.cache.get('title')).toBe('old');
    expect(b.memory.has('title')).toBe(true);
    await a.cache.set('title', 'new');
    await expectSeenOnB('title', 'new');
  });

  it('a delete on A is seen on B within 100 ms', async () => {
    await a.cache.set('doomed', 42);
    await busSettled();
    expect(await b.cache.get('doomed')).toBe(42);
    await a.cache.delete('doomed');
    await expectSeenOnB('doomed', undefined);
    expect(b.memory.has('doomed')).toBe(false);
  });

  it('a tag invalidation on A drops tagged copies on B, and only those', async () => {
    await a.cache.set('session:1', 's1', { tags: ['session:1', 'user:1'] });
    await a.cache.set('session:2', 's2', { tags: ['session:2', 'user:2'] });
    expect(await b.cache.get('session:1')).toBe('s1');
    expect(await b.cache.get('session:2')).toBe('s2');
    await a.cache.invalidateTags(['user:1']);
    await expectSeenOnB('session:1', undefined);
    expect(await b.cache.get('session:2')).toBe('s2');
    expect(await a.cache.get('session:1')).toBeUndefined();
  });

  it('a pattern invalidation on A drops matching copies on B', async () => {
    await a.cache.set('msg:1:a', 1);
    await a.cache.set('msg:2:a', 2);
    expect(await b.cache.get('msg:1:a')).toBe(1);
    expect(await b.cache.get('msg:2:a')).toBe(2);
    expect(await a.cache.invalidatePattern('msg:1:*')).toBe(1);
    await expectSeenOnB('msg:1:a', undefined);
    expect(await b.cache.get('msg:2:a')).toBe(2);
  });

  it('a clear on A empties B’s memory tier too', async () => {
    await a.cache.set('c1', 1);
    expect(await b.cache.get('c1')).toBe(1);
    await a.cache.clear();
    await expectSeenOnB('c1', undefined);
    expect(b.memory.size).toBe(0);
  });

  it('tells B’s onInvalidate listeners, marked remote, and A’s, marked local; unsubscribe stops them', async () => {
    const onA: InvalidationEvent[] = [];
    const onB: InvalidationEvent[] = [];
    const stopA = a.cache.onInvalidate((event) => onA.push(event));
    const stopB = b.cache.onInvalidate((event) => onB.push(event));
    await a.cache.invalidateTags(['room:7']);
    expect(await eventually(() => onB.length > 0, 1_000)).toBe(true);
    expect(onA).toEqual([expect.objectContaining({ tags: ['room:7'], origin: 'local', reason: 'tags' })]);
    expect(onB).toEqual([expect.objectContaining({ tags: ['room:7'], origin: 'remote', reason: 'tags' })]);
    stopA();
    stopB();
    await a.cache.delete('anything');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(onA).toHaveLength(1);
    expect(onB).toHaveLength(1);
  });

  it('an instance ignores its own bus messages', async () => {
    const before = a.cache.stats().bus!.received;
    await a.cache.set('own', 1);
    await b.cache.set('theirs', 1);
    await eventually(() => a.cache.stats().bus!.received > before, 1_000);
    expect(a.cache.stats().bus!.received).toBe(before + 1);
    expect(a.memory.has('own')).toBe(true);
  });

  it('a value B is loading while A invalidates its tag is served but not kept', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const loading = b.cache.getOrSet(
      'slow',
      async () => {
        await gate;
        return 'computed before the write';
      },
      { tags: ['thread:1'] },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await a.cache.invalidateTags(['thread:1']);
    await eventually(() => b.cache.stats().bus!.received > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(await loading).toBe('computed before the write');
    expect(await a.cache.get('slow')).toBeUndefined();
    expect(await b.cache.get('slow')).toBeUndefined();
  });

  it('when B’s bus connection drops (messages may be lost), B flushes its memory tier and says why', async () => {
    await a.cache.set('kept-in-b', 1);
    await busSettled();
    expect(await b.cache.get('kept-in-b')).toBe(1);
    expect(b.memory.has('kept-in-b')).toBe(true);
    const events: InvalidationEvent[] = [];
    const stop = b.cache.onInvalidate((event) => events.push(event));
    const spy = server.client();
    try {
      await spy.client('KILL', 'TYPE', 'pubsub'); // drops every subscriber connection; Redis keeps its data
      expect(await eventually(() => events.some((event) => event.reason === 'reconnect'), 5_000)).toBe(true);
      expect(b.memory.has('kept-in-b')).toBe(false);
      expect(events).toContainEqual(expect.objectContaining({ clear: true, origin: 'local', reason: 'reconnect' }));
      expect(await b.cache.get('kept-in-b')).toBe(1); // read again from Redis
      // and the bus works again: an overwrite on A still reaches B
      await a.cache.set('kept-in-b', 2);
      await expectSeenOnB('kept-in-b', 2);
    } finally {
      stop();
      await spy.quit();
    }
  });
});

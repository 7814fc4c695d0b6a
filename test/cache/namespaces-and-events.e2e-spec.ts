import type Redis from 'ioredis';
import type { CacheEvent, CacheEventName } from '../../src/cache';
import { CacheContext, startCacheContext } from '../support/cache-context';
import { eventually, RedisServer } from '../support/redis-server';

describe('namespaces and events on a real Redis, two hybrid instances', () => {
  let server: RedisServer;
  let spy: Redis;
  let a: CacheContext;
  let b: CacheContext;

  beforeAll(async () => {
    server = await RedisServer.start();
    spy = server.client();
    const options = { keyPrefix: 'ns:', redis: { url: server.url } };
    a = await startCacheContext({ ...options, instanceId: 'A' });
    b = await startCacheContext({ ...options, instanceId: 'B' });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await spy?.quit();
    await server?.stop();
  });

  async function settled(): Promise<void> {
    const sent = a.cache.stats().bus!.sent;
    await eventually(() => b.cache.stats().bus!.received >= sent, 1_000, 1);
  }

  describe('namespace(name)', () => {
    it('keeps its keys under <prefix><name>: and apart from the same key elsewhere', async () => {
      const users = a.cache.namespace('users');
      await users.set('1', 'alice');
      await a.cache.namespace('rooms').set('1', 'lobby');
      await a.cache.set('1', 'root');
      expect(await spy.exists('ns:users:1', 'ns:rooms:1', 'ns:1')).toBe(3);
      await settled();
      expect(await b.cache.namespace('users').getMany(['1', '2'])).toEqual(['alice', undefined]);
      expect(await b.cache.namespace('rooms').get('1')).toBe('lobby');
      expect(await b.cache.get('users:1')).toBe('alice'); // the same key, seen from the root
    });

    it('clear() clears that namespace only: both tiers here, and the other instance’s L1', async () => {
      const users = a.cache.namespace('users');
      await users.set('2', 'bob');
      await a.cache.set('users-list', 'not in the namespace');
      await a.cache.namespace('rooms').set('2', 'kitchen');
      await settled();
      const usersOnB = b.cache.namespace('users');
      expect(await usersOnB.get('2')).toBe('bob');
      expect(b.memory.has('users:2')).toBe(true);
      await users.clear();
      expect(await eventually(() => !b.memory.has('users:2'), 1_000, 1)).toBe(true);
      expect(await usersOnB.getMany(['1', '2'])).toEqual([undefined, undefined]);
      expect(await spy.exists('ns:users:1', 'ns:users:2')).toBe(0);
      expect(await b.cache.get('users-list')).toBe('not in the namespace');
      expect(await b.cache.namespace('rooms').get('2')).toBe('kitchen');
      expect(b.memory.has('rooms:2')).toBe(true);
    });

    it('owns its tags and patterns: the same tag or pattern in another namespace reaches nothing here', async () => {
      const left = a.cache.namespace('left');
      const right = a.cache.namespace('right');
      await left.set('x', 'L', { tags: ['t'] });
      await right.set('x', 'R', { tags: ['t'] });
      await left.invalidateTags(['t']);
      expect(await left.get('x')).toBeUndefined();
      expect(await right.get('x')).toBe('R');
      await right.set('y', 'R');
      await left.set('y', 'L');
      expect(await left.invalidatePattern('y*')).toBe(1);
      expect(await right.getMany(['x', 'y'])).toEqual(['R', 'R']);
    });

    it('nests (<outer>:<inner>:) and refuses names that could reach outside it', () => {
      const inner = a.cache.namespace('org').namespace('team');
      expect(inner).toBeDefined();
      for (const bad of ['', 'a:b', 'a*', 'a?', '[a]', 'a\\b', '__cc', 'x'.repeat(101), 7]) {
        expect(() => a.cache.namespace(bad as string)).toThrow(TypeError);
      }
    });
  });

  describe('on(event)', () => {
    function record(cache: CacheContext['cache'], ...names: CacheEventName[]) {
      const seen: Array<CacheEvent & { event: CacheEventName }> = [];
      const offs = names.map((name) => cache.on(name, (event) => seen.push({ event: name, ...event })));
      return { seen, off: () => offs.forEach((off) => off()) };
    }

    it('tells hit (with its tier), miss and set, with the namespace of the key', async () => {
      const onB = record(b.cache, 'hit', 'miss', 'set');
      await a.cache.namespace('ev').set('k', 1);
      await settled();
      await b.cache.namespace('ev').get('k'); // from Redis
      await b.cache.namespace('ev').get('k'); // from L1
      await b.cache.get('none');
      await b.cache.getOrSet('loaded', () => 'v');
      onB.off();
      expect(onB.seen).toEqual([
        { event: 'hit', key: 'ev:k', tier: 'redis', namespace: 'ev' },
        { event: 'hit', key: 'ev:k', tier: 'memory', namespace: 'ev' },
        { event: 'miss', key: 'none' },
        { event: 'miss', key: 'loaded' },
        { event: 'set', key: 'loaded' },
      ]);
    });

    it('a namespace’s listener hears its own keys, relative to it', async () => {
      const ev = b.cache.namespace('ev2');
      const scoped = record(ev, 'hit', 'miss');
      await b.cache.get('outside');
      await ev.get('inside');
      scoped.off();
      expect(scoped.seen).toEqual([{ event: 'miss', key: 'inside', namespace: 'ev2' }]);
    });

    it('tells delete here and invalidate on the other instance, for keys, tags, patterns and clears', async () => {
      const onA = record(a.cache, 'delete', 'invalidate');
      const onB = record(b.cache, 'delete', 'invalidate');
      b.cache.namespace('gone'); // an instance names the namespaces it has opened
      await a.cache.set('d:1', 1);
      await a.cache.delete('d:1');
      await a.cache.invalidateTags(['tag:1']);
      await a.cache.namespace('gone').clear();
      await settled();
      onA.off();
      onB.off();
      expect(onA.seen).toEqual([
        { event: 'delete', key: 'd:1' },
        { event: 'invalidate', key: 'tag:1', reason: 'tags', origin: 'local' },
        { event: 'invalidate', key: 'gone:*', reason: 'pattern', origin: 'local', namespace: 'gone' },
      ]);
      expect(onB.seen).toEqual([
        { event: 'invalidate', key: 'd:1', reason: 'set', origin: 'remote' },
        { event: 'invalidate', key: 'd:1', reason: 'delete', origin: 'remote' },
        { event: 'invalidate', key: 'tag:1', reason: 'tags', origin: 'remote' },
        { event: 'invalidate', key: 'gone:*', reason: 'pattern', origin: 'remote', namespace: 'gone' },
      ]);
    });

    it('tells factory-error for each key a failing factory was loading', async () => {
      const events = record(a.cache, 'factory-error');
      await expect(a.cache.getOrSet('fe:1', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      await expect(a.cache.getOrSetMany(['fe:2', 'fe:3'], () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      events.off();
      expect(events.seen.map((event) => event.key)).toEqual(['fe:1', 'fe:2', 'fe:3']);
    });

    it('a listener that throws fails nothing, is counted, and unsubscribing stops it', async () => {
      const before = a.cache.stats().listenerErrors;
      const off = a.cache.on('set', () => {
        throw new Error('listener bug');
      });
      await a.cache.set('safe', 'stored');
      expect(await a.cache.get('safe')).toBe('stored');
      expect(a.cache.stats().listenerErrors).toBe(before + 1);
      off();
      await a.cache.set('safe', 'again');
      expect(a.cache.stats().listenerErrors).toBe(before + 1);
    });
  });
});
